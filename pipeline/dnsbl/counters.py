"""Per-zone counters for operators (Prometheus): plain integers keyed by zone display name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ZoneCounters:
    """A snapshot of one zone's counters since the engine started."""

    zone: str
    #: DNS queries sent (A and TXT, retries included).
    queries: int
    cache_hits: int
    cache_misses: int
    timeouts: int
    #: Zone results by error kind (``ErrorKind`` values), e.g. ``{"rate_limited": 3}``.
    errors: dict[str, int] = field(default_factory=dict)
    #: Queries not sent because the same question was in flight; its answer was shared.
    shared: int = 0


class ZoneTally:
    """The mutable tallies behind ``ZoneCounters``; owned by the engine, one per zone."""

    __slots__ = ("cache_hits", "cache_misses", "errors", "queries", "timeouts", "zone")

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self.queries = 0
        self.cache_hits = 0
        self.cache_misses = 0
        self.timeouts = 0
        self.errors: Counter[str] = Counter()

    def snapshot(self, *, shared: int = 0) -> ZoneCounters:
        return ZoneCounters(
            zone=self.zone,
            queries=self.queries,
            cache_hits=self.cache_hits,
            cache_misses=self.cache_misses,
            timeouts=self.timeouts,
            errors=dict(self.errors),
            shared=shared,
        )
