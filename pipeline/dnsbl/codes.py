"""Return-code tables per zone kind, and the decoding of a zone's A records into a verdict.

Spamhaus codes as published (see ARCHITECTURE.md). 127.255.255.0/24 is the lists' way of
refusing a query and is never a listing; 127.0.1.255 on DBL means an IP was asked of a domain
list. An answer outside 127.0.0.0/8 is a resolver's wildcard or hijack, never a listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pipeline.dnsbl.results import ErrorKind, Listing

ZoneKind = Literal["zen", "dbl", "zrd", "generic"]

ZEN: Mapping[str, tuple[str, str]] = {
    "127.0.0.2": ("SBL", "Spamhaus SBL: direct spam source or spam operation"),
    "127.0.0.3": ("CSS", "Spamhaus SBL CSS: low-reputation snowshoe spam source"),
    "127.0.0.4": ("XBL", "Spamhaus XBL: exploited or infected host (CBL)"),
    "127.0.0.5": ("XBL", "Spamhaus XBL (legacy code 5)"),
    "127.0.0.6": ("XBL", "Spamhaus XBL (legacy code 6)"),
    "127.0.0.7": ("XBL", "Spamhaus XBL (legacy code 7)"),
    "127.0.0.9": ("DROP", "Spamhaus DROP/EDROP: hijacked or criminal netblock"),
    "127.0.0.10": ("PBL", "Spamhaus PBL: end-user range, ISP maintained (policy, not abuse)"),
    "127.0.0.11": ("PBL", "Spamhaus PBL: end-user range, Spamhaus maintained (policy, not abuse)"),
}

DBL: Mapping[str, tuple[str, str]] = {
    "127.0.1.2": ("DBL_SPAM", "Spamhaus DBL: spam domain"),
    "127.0.1.4": ("DBL_PHISH", "Spamhaus DBL: phishing domain"),
    "127.0.1.5": ("DBL_MALWARE", "Spamhaus DBL: malware domain"),
    "127.0.1.6": ("DBL_BOTNET_CC", "Spamhaus DBL: botnet command-and-control domain"),
    "127.0.1.102": ("DBL_ABUSED_SPAM", "Spamhaus DBL: abused legitimate spam domain"),
    "127.0.1.103": ("DBL_ABUSED_REDIRECTOR", "Spamhaus DBL: abused legitimate redirector"),
    "127.0.1.104": ("DBL_ABUSED_PHISH", "Spamhaus DBL: abused legitimate phishing domain"),
    "127.0.1.105": ("DBL_ABUSED_MALWARE", "Spamhaus DBL: abused legitimate malware domain"),
    "127.0.1.106": ("DBL_ABUSED_BOTNET_CC", "Spamhaus DBL: abused legitimate botnet C&C domain"),
}

#: ZRD answers 127.0.2.2–127.0.2.24: the domain was first seen that many hours ago.
ZRD_FIRST_HOURS = 2
ZRD_LAST_HOURS = 24

#: 127.255.255.0/24: the list refuses the query; the last octet says why.
REFUSAL: Mapping[int, ErrorKind] = {
    250: "dqs_key",
    251: "dqs_key",
    252: "typo",
    254: "public_resolver",
    255: "rate_limited",
}
IP_ON_DOMAIN_LIST = "127.0.1.255"

#: Errors that say the zone refuses *us* (every query would get the same): they trip the breaker.
ZONE_REFUSALS: frozenset[str] = frozenset({*REFUSAL.values(), "list_error"})


@dataclass(frozen=True, slots=True)
class Decoded:
    """The verdict from one zone's A records (before the TXT reason is fetched)."""

    listings: tuple[Listing, ...] = ()
    error: ErrorKind | None = None
    #: Codes seen that no table names (logged; kept out of the listings).
    unknown_codes: tuple[str, ...] = ()


def _lookup(kind: ZoneKind, code: str, generic: Mapping[str, str], zone: str) -> Listing | None:
    if kind == "zen":
        entry = ZEN.get(code)
    elif kind == "dbl":
        entry = DBL.get(code)
    elif kind == "zrd":
        entry = None
        if code.startswith("127.0.2."):
            hours = int(code.rsplit(".", 1)[1])
            if ZRD_FIRST_HOURS <= hours <= ZRD_LAST_HOURS:
                entry = ("ZRD", f"Spamhaus ZRD: domain first seen {hours} hours ago")
    elif code in generic:
        entry = (generic[code], f"listed by {zone} ({code})")
    elif not generic and code.startswith("127."):
        entry = ("LISTED", f"listed by {zone} ({code})")
    else:
        entry = None
    return None if entry is None else Listing(code=code, name=entry[0], description=entry[1])


def decode_codes(
    kind: ZoneKind, codes: Iterable[str], *, zone: str, generic: Mapping[str, str] | None = None
) -> Decoded:
    """Turn every A record of an answer into listings, or into the one error they signal.

    Any refusal code wins over listings in the same answer: an answer that says "you asked via
    a public resolver" cannot be trusted for the other records either.
    """
    listings: list[Listing] = []
    unknown: list[str] = []
    for code in dict.fromkeys(codes):  # de-duplicated, order kept
        if code.startswith("127.255.255."):
            return Decoded(error=REFUSAL.get(int(code.rsplit(".", 1)[1]), "list_error"))
        if code == IP_ON_DOMAIN_LIST and kind in ("dbl", "zrd"):
            return Decoded(error="ip_on_domain_list")
        if not code.startswith("127."):
            # A wildcard or NXDOMAIN-rewriting resolver answers with a real address.
            return Decoded(error="unexpected_code", unknown_codes=(code,))
        listing = _lookup(kind, code, generic or {}, zone)
        if listing is None:
            unknown.append(code)
        else:
            listings.append(listing)
    if not listings:
        return Decoded(error="unexpected_code", unknown_codes=tuple(unknown))
    return Decoded(listings=tuple(listings), unknown_codes=tuple(unknown))


#: Distinct code sets remembered per zone. A zone answers with a handful of combinations; the
#: bound only matters for a zone answering garbage.
MEMO_SIZE = 256


class CodeDecoder:
    """``decode_codes`` for one zone, decoding each distinct set of codes once.

    A zone answers with a few code combinations over and over (SBL, SBL+XBL+PBL, PBL…), so the
    frozen ``Decoded`` of each is kept and shared between look-ups.
    """

    __slots__ = ("_generic", "_kind", "_memo", "_zone")

    def __init__(self, kind: ZoneKind, *, zone: str, generic: Mapping[str, str]) -> None:
        self._kind = kind
        self._zone = zone
        self._generic = generic
        self._memo: dict[tuple[str, ...], Decoded] = {}

    def decode(self, codes: tuple[str, ...]) -> Decoded:
        decoded = self._memo.get(codes)
        if decoded is None:
            decoded = decode_codes(self._kind, codes, zone=self._zone, generic=self._generic)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[codes] = decoded
        return decoded
