"""A bounded, TTL-respecting cache of zone answers, with negative caching.

Positive answers live for the records' TTL clamped to [min_ttl, max_ttl]. Negative answers
(NXDOMAIN or no A record) live for the SOA-derived negative TTL (RFC 2308 §5) or the configured
default, clamped to [min_ttl, min(max_ttl, negative_ttl)]. Errors and unknowns are never
cached: they must be asked again. When full, the least recently used entry goes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from pipeline.dnsbl.results import Listing


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A definite zone answer (listed or not listed) and when it was fetched."""

    listings: tuple[Listing, ...]
    reason: str | None
    fetched: float
    expires: float


class AnswerCache:
    def __init__(
        self,
        *,
        size: int,
        min_ttl: int,
        max_ttl: int,
        negative_ttl: int,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size = size
        self._min = min_ttl
        self._max = max(max_ttl, min_ttl)
        self._negative_max = max(min(max_ttl, negative_ttl), min_ttl)
        self._negative_default = negative_ttl
        self._now = now
        self._entries: OrderedDict[Hashable, CachedAnswer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> tuple[CachedAnswer, float] | None:
        """The live entry and its age in seconds, or ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self._now()
        if now >= entry.expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry, now - entry.fetched

    def put_listed(
        self, key: Hashable, listings: tuple[Listing, ...], reason: str | None, ttl: int
    ) -> None:
        self._put(key, listings, reason, min(max(ttl, self._min), self._max))

    def put_not_listed(self, key: Hashable, soa_negative_ttl: int | None) -> None:
        ttl = self._negative_default if soa_negative_ttl is None else soa_negative_ttl
        self._put(key, (), None, min(max(ttl, self._min), self._negative_max))

    def _put(
        self, key: Hashable, listings: tuple[Listing, ...], reason: str | None, ttl: int
    ) -> None:
        if self._size <= 0 or ttl <= 0:
            return
        now = self._now()
        self._entries[key] = CachedAnswer(listings, reason, fetched=now, expires=now + ttl)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
