"""Memoised look-ups keyed by a host name or address, bounded in entries and in key length.

Reports name the same few hosts over and over (reporters, relays, spamvertised sites), and
every offender check asks the same questions of them: public-suffix splits, reserved names,
IP parsing. Those answers are remembered, but only for keys that can be a host or address at
all: a DNS name has at most 253 characters (RFC 1035 §2.3.4), so anything longer is junk,
computed each time rather than kept, and a hostile report cannot fill memory with it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _CacheInfo, lru_cache, update_wrapper
from typing import Generic, TypeVar

#: Distinct keys remembered per look-up.
HOST_CACHE_SIZE = 16384
#: RFC 1035 §2.3.4: a domain name is at most 255 octets on the wire, 253 characters as text.
MAX_HOST_CHARS = 253

R = TypeVar("R")


class HostCache(Generic[R]):
    """``lru_cache`` for a one-string function, remembering short keys only."""

    def __init__(self, fn: Callable[[str], R]) -> None:
        self._fn = fn
        #: The function itself, bypassing the cache (tests compare it with library paths).
        self.uncached = fn
        self._cached = lru_cache(maxsize=HOST_CACHE_SIZE)(fn)
        update_wrapper(self, fn)

    def __call__(self, key: str) -> R:
        return self._cached(key) if len(key) <= MAX_HOST_CHARS else self._fn(key)

    def cache_clear(self) -> None:
        self._cached.cache_clear()

    def cache_info(self) -> _CacheInfo:
        return self._cached.cache_info()
