"""Per-token rate limits: a token bucket per caller, refilled continuously.

A bucket holds a minute's worth of requests (``rate_limit``) and refills at ``rate_limit / 60``
per second, so a caller may burst up to its minute's allowance and then proceeds at the
configured rate. A refused request is told when one more would be allowed (``Retry-After``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

SECONDS_PER_MINUTE = 60.0


class TokenBucket:
    """``capacity`` tokens, ``capacity`` added per minute; not thread-safe on its own."""

    __slots__ = ("_level", "_stamp", "capacity", "per_second")

    def __init__(self, capacity: int, now: float) -> None:
        self.capacity = float(capacity)
        self.per_second = capacity / SECONDS_PER_MINUTE
        self._level = float(capacity)
        self._stamp = now

    def take(self, cost: float, now: float) -> float:
        """Take ``cost`` tokens; return 0.0 if taken, else the seconds until they would be."""
        elapsed = max(0.0, now - self._stamp)
        self._level = min(self.capacity, self._level + elapsed * self.per_second)
        self._stamp = now
        # A cost above the capacity could never be paid; it is charged as a full bucket.
        cost = min(cost, self.capacity)
        if self._level >= cost:
            self._level -= cost
            return 0.0
        return (cost - self._level) / self.per_second


class RateLimiter:
    """One bucket per token name, created on first use."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        # Handlers run on the event loop, but the limiter may also be called from threads.
        self._lock = threading.Lock()

    def check(self, name: str, per_minute: int, cost: int = 1) -> int:
        """0 if allowed, else whole seconds to wait (at least 1), for ``Retry-After``."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(name)
            if bucket is None or bucket.capacity != per_minute:
                bucket = self._buckets[name] = TokenBucket(per_minute, now)
            wait = bucket.take(cost, now)
        return 0 if wait == 0.0 else max(1, math.ceil(wait))
