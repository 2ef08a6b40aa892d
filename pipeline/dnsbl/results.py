"""The answer to "is this listed, where, why?": frozen values whose JSON is a public contract.

``TargetResult.to_json()`` is what ``abuse-pipeline dnsbl check --jsonl`` prints (one per line)
and what ``GET /v1/dnsbl/{target}`` returns. A zone is named by its display name only: a DQS
zone's secret key is never part of a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from pipeline.dnsbl.targets import TargetKind

ZoneStatus = Literal["listed", "not_listed", "error", "unknown"]

#: Why a zone gave no usable answer. ``status`` is ``error`` for the list's own refusals
#: (127.255.255.0/24, 127.0.1.255, an unknown code) and ``unknown`` for transport failures:
#: neither is ever a listing, and neither is ever "clean".
ErrorKind = Literal[
    "typo",  # 127.255.255.252: the zone name is wrong
    "public_resolver",  # 127.255.255.254: query came via a public/open resolver
    "rate_limited",  # 127.255.255.255: excessive number of queries
    "dqs_key",  # 127.255.255.250/.251: DQS key missing, wrong or expired
    "list_error",  # any other 127.255.255.x
    "ip_on_domain_list",  # 127.0.1.255: an IP was asked of a domain list
    "unexpected_code",  # an A record outside the zone's code table
    "timeout",
    "servfail",
    "refused",
    "bad_answer",  # undecodable or mismatched reply
    "name_too_long",  # target + zone exceeds 255 octets
    "zone_down",  # the health probe failed; the zone is not asked
]

ERROR_KINDS: frozenset[str] = frozenset(get_args(ErrorKind))


@dataclass(frozen=True, slots=True)
class Listing:
    """One decoded return code, e.g. ``("127.0.0.4", "XBL", "Exploits Block List …")``."""

    code: str
    name: str
    description: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "description": self.description}


@dataclass(frozen=True, slots=True)
class ZoneResult:
    """One zone's answer for one target."""

    #: Display name (``zen.spamhaus.org``, ``zen.dq.spamhaus.net``): never contains a DQS key.
    zone: str
    status: ZoneStatus
    listings: tuple[Listing, ...] = ()
    #: The zone's TXT text for a listing (e.g. ``https://www.spamhaus.org/sbl/query/SBL123``).
    reason: str | None = None
    error: ErrorKind | None = None
    #: Seconds since the answer was fetched when it came from the cache; ``None`` when fresh.
    cached_age: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "status": self.status,
            "listings": [item.to_json() for item in self.listings],
            "reason": self.reason,
            "error": self.error,
            "cached_age": None if self.cached_age is None else round(self.cached_age, 3),
        }


@dataclass(frozen=True, slots=True)
class TargetResult:
    """Each applicable zone's answer for one target: IP lists for IPs, domain lists for domains."""

    target: str
    kind: TargetKind
    zones: tuple[ZoneResult, ...]

    @property
    def listed(self) -> bool:
        """Whether any zone lists the target (a PBL-only listing counts: the data stay exact)."""
        return any(z.status == "listed" for z in self.zones)

    @property
    def complete(self) -> bool:
        """Whether every zone gave a definite answer (listed or not listed).

        False when no zone lists this kind of target: nothing was checked, so nothing is known.
        """
        return bool(self.zones) and all(z.status in ("listed", "not_listed") for z in self.zones)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "kind": self.kind,
            "listed": self.listed,
            "complete": self.complete,
            "zones": [z.to_json() for z in self.zones],
        }


def invalid_target_json(text: str, message: str) -> dict[str, Any]:
    """The CLI's line for text that is not a target: same keys, no zones, an ``error``."""
    return {
        "target": text,
        "kind": None,
        "listed": False,
        "complete": False,
        "zones": [],
        "error": "invalid_target",
        "detail": message,
    }
