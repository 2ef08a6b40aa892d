"""Which recipients the abuse mailbox accepts: the configured addresses and domains, no other.

Anything else is refused at RCPT, so the listener can never be used as an open relay. The
domain compares case-insensitively (RFC 5321 §2.4); the local part does too, because a desk
wants ``Abuse@`` and ``ABUSE@`` to arrive like ``abuse@`` (no provider hosts distinct mailboxes
differing only in case under its abuse domain).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Verdicts remembered per policy: the same few addresses arrive on every message, while a
#: client trying many addresses must not grow the memory without bound.
VERDICT_CACHE_SIZE = 1024


class RecipientPolicy:
    """Accept-list of abuse addresses and whole domains."""

    def __init__(self, addresses: Iterable[str], domains: Iterable[str] = ()) -> None:
        self._addresses = frozenset(_normalise(a) for a in addresses)
        self._domains = frozenset(d.strip().rstrip(".").lower() for d in domains)
        self._verdicts: dict[str, bool] = {}

    def accepts(self, address: str) -> bool:
        """True when mail for ``address`` belongs to the abuse desk."""
        verdict = self._verdicts.get(address)
        if verdict is None:
            if len(self._verdicts) >= VERDICT_CACHE_SIZE:
                self._verdicts.clear()
            verdict = self._verdicts[address] = self._decide(address)
        return verdict

    def _decide(self, address: str) -> bool:
        address = _normalise(address)
        if address in self._addresses:
            return True
        local, at, domain = address.rpartition("@")
        # A local part carrying routing syntax (%-hack, bang path, source route) asks us to
        # forward; the desk never forwards.
        if not at or not local or any(c in local for c in "%!@:"):
            return False
        return domain in self._domains


def _normalise(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    return f"{local}{at}{domain.rstrip('.')}".lower() if at else address.strip().lower()
