"""The Received chain (RFC 5321 §4.4): which hop handed the message to the first trusted relay.

Headers are read top-down (newest first). A hop is skipped while its client is one of ours:
a configured trusted network or host-name suffix, the reporter's own domain, or an internal
address (loopback, RFC 1918 / RFC 4193 private, link-local) that only relays between our own
machines. The first hop whose client is anything else is the origin. Its address is an
offender only if it is global; the caller applies that rule.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.parsing.limits import MAX_RECEIVED_HOPS
from pipeline.parsing.offenders import IpAddress, find_ips
from pipeline.parsing.psl import registrable_domain

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_FROM = re.compile(
    r"^\s*from\s+(?P<from>.*?)(?:\s+by\s+|\s+with\s+|;|$)", re.IGNORECASE | re.DOTALL
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,63}")
#: Postfix/Sendmail: ``from HELO (RDNS [IP])``; the comment holding the address is the
#: receiving relay's own reverse look-up.
_RDNS_COMMENT = re.compile(r"\((?P<rdns>[^()\[\]\s]+)\s+\[[^\]]+\]\)")
#: qmail and others: ``from RDNS (HELO helo) (IP)``; the first word is the reverse look-up.
_QMAIL = re.compile(r"^(?P<rdns>\S+)\s+\((?:HELO|EHLO)\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hop:
    """One Received header: who connected (the relay's reverse look-up, and the address seen).

    ``names`` holds only names the *receiving* relay wrote (its reverse DNS of the client),
    never the client's self-declared HELO, which a spammer can set to anything.
    """

    names: tuple[str, ...]
    ip: IpAddress | None


def parse_hop(value: str) -> Hop:
    """The client side of one Received header; ``ip`` is ``None`` when it names no address."""
    match = _FROM.match(value)
    if not match:
        return Hop((), None)
    clause = match.group("from")
    ips = find_ips(clause)
    found = _RDNS_COMMENT.search(clause) or _QMAIL.match(clause)
    names: tuple[str, ...] = ()
    if found and _NAME.fullmatch(found.group("rdns").rstrip(".")):
        rdns = found.group("rdns").lower().rstrip(".")
        names = () if _looks_numeric(rdns) else (rdns,)
    return Hop(names, ips[-1] if ips else None)


def _looks_numeric(name: str) -> bool:
    return name.replace(".", "").isdigit()


def _internal(ip: IpAddress) -> bool:
    return (
        ip.is_loopback
        or ip.is_link_local
        or ip.is_unspecified
        or (ip.is_private and not _documentation(ip))
    )


_DOC_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _documentation(ip: IpAddress) -> bool:
    return any(ip.version == net.version and ip in net for net in _DOC_NETS)


def origin_hop(
    received: Sequence[str],
    *,
    trusted_networks: Iterable[IpNetwork] = (),
    trusted_domains: Iterable[str] = (),
) -> Hop | None:
    """The first hop, newest first, whose client is outside the trusted relays."""
    networks = tuple(trusted_networks)
    suffixes = tuple(d.lower().lstrip(".") for d in trusted_domains)
    for value in received[:MAX_RECEIVED_HOPS]:
        hop = parse_hop(value)
        if hop.ip is None or _internal(hop.ip):
            continue
        if any(hop.ip.version == n.version and hop.ip in n for n in networks):
            continue
        if any(_trusted_name(name, suffixes) for name in hop.names):
            continue
        return hop
    return None


def _trusted_name(name: str, suffixes: tuple[str, ...]) -> bool:
    base = registrable_domain(name)
    return any(name == s or name.endswith("." + s) or base == s for s in suffixes)
