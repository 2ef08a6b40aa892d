"""Domain → registrable domain with the Public Suffix List bundled in ``publicsuffixlist``.

The list ships inside the package, so this works offline; nothing is fetched at run time.
"""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList

from pipeline.parsing.memo import HostCache


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@HostCache
def registrable_domain(host: str) -> str | None:
    """``www.shop.example.co.uk`` → ``example.co.uk``; ``None`` for a bare suffix or junk.

    Unknown top-level domains are kept (anonymised reports use ``.tld``) with the last label
    as the suffix, as the PSL's default ``*`` rule prescribes.
    """
    host = host.strip().rstrip(".").lower()
    if not host or "." not in host:
        return None
    result = _psl().privatesuffix(host)
    return str(result) if result else None


@HostCache
def has_known_suffix(host: str) -> bool:
    """Whether ``host`` ends in a suffix that is actually on the list (not just ``*``)."""
    host = host.strip().rstrip(".").lower()
    return "." in host and _psl().publicsuffix(host, accept_unknown=False) is not None
