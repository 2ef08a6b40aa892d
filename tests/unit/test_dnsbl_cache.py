"""The answer cache: TTLs respected within clamps, negative caching, bounded size."""

from __future__ import annotations

from pipeline.dnsbl.cache import AnswerCache
from pipeline.dnsbl.results import Listing

SBL = (Listing("127.0.0.2", "SBL", "Spamhaus SBL"),)


class Now:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _cache(now: Now, size: int = 10) -> AnswerCache:
    return AnswerCache(size=size, min_ttl=60, max_ttl=3600, negative_ttl=300, now=now)


def test_listing_lives_for_its_ttl_and_reports_its_age() -> None:
    """A cached listing is served with its age until the record's TTL runs out."""
    now = Now()
    cache = _cache(now)
    cache.put_listed("k", SBL, "SBL123", ttl=600)
    now.t += 599
    hit = cache.get("k")
    assert hit is not None and hit[0].listings == SBL and hit[1] == 599
    now.t += 1
    assert cache.get("k") is None


def test_short_ttl_is_raised_to_the_minimum() -> None:
    """A 5-second TTL is kept for min_ttl (60 s) so a hot target does not hammer the list."""
    now = Now()
    cache = _cache(now)
    cache.put_listed("k", SBL, None, ttl=5)
    now.t += 59
    assert cache.get("k") is not None


def test_long_ttl_is_capped_at_the_maximum() -> None:
    """A week-long TTL is cut to max_ttl so delistings are seen."""
    now = Now()
    cache = _cache(now)
    cache.put_listed("k", SBL, None, ttl=7 * 86400)
    now.t += 3600
    assert cache.get("k") is None


def test_negative_answer_uses_the_soa_negative_ttl() -> None:
    """Not-listed lives for the SOA-derived negative TTL (RFC 2308)."""
    now = Now()
    cache = _cache(now)
    cache.put_not_listed("k", soa_negative_ttl=120)
    now.t += 119
    hit = cache.get("k")
    assert hit is not None and hit[0].listings == ()
    now.t += 1
    assert cache.get("k") is None


def test_negative_answer_without_soa_uses_the_default_and_cap() -> None:
    """Without an SOA, not-listed lives negative_ttl; a large SOA value is capped there too."""
    now = Now()
    cache = _cache(now)
    cache.put_not_listed("a", soa_negative_ttl=None)
    cache.put_not_listed("b", soa_negative_ttl=86400)
    now.t += 300
    assert cache.get("a") is None and cache.get("b") is None


def test_oldest_entry_goes_when_full() -> None:
    """The cache holds at most `size` entries, evicting the least recently used."""
    now = Now()
    cache = _cache(now, size=2)
    cache.put_listed("a", SBL, None, 600)
    cache.put_listed("b", SBL, None, 600)
    assert cache.get("a") is not None  # a is now the most recent
    cache.put_listed("c", SBL, None, 600)
    assert (cache.get("a") is not None, cache.get("b"), len(cache)) == (True, None, 2)


def test_size_zero_disables_caching() -> None:
    """cache_size 0 stores nothing."""
    cache = _cache(Now(), size=0)
    cache.put_listed("a", SBL, None, 600)
    assert cache.get("a") is None
