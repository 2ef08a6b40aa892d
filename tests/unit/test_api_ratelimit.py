"""Per-token token buckets: burst up to a minute's allowance, refill, Retry-After."""

from __future__ import annotations

from pipeline.api.ratelimit import RateLimiter, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_its_capacity_then_says_how_long_to_wait() -> None:
    """60/min allows 60 at once; the 61st must wait one second."""
    bucket = TokenBucket(60, now=0.0)
    assert all(bucket.take(1, now=0.0) == 0.0 for _ in range(60))
    assert bucket.take(1, now=0.0) == 1.0


def test_bucket_refills_continuously_but_not_past_capacity() -> None:
    """Half a minute refills half the bucket; an hour refills no more than the whole."""
    bucket = TokenBucket(10, now=0.0)
    bucket.take(10, now=0.0)
    assert bucket.take(5, now=30.0) == 0.0
    assert bucket.take(1, now=30.0) > 0
    assert bucket.take(10, now=3600.0) == 0.0
    assert bucket.take(1, now=3600.0) > 0


def test_limiter_rounds_retry_after_up_and_keeps_tokens_apart() -> None:
    """Retry-After is whole seconds (at least 1) and one token's use never limits another."""
    clock = Clock()
    limiter = RateLimiter(clock)
    assert [limiter.check("a", 2) for _ in range(3)] == [0, 0, 30]
    assert limiter.check("b", 2) == 0
    clock.now = 29.5
    assert limiter.check("a", 2) == 1


def test_cost_above_capacity_is_charged_as_a_full_bucket() -> None:
    """A batch larger than the allowance can still pass once the bucket is full."""
    limiter = RateLimiter(Clock())
    assert limiter.check("a", 5, cost=50) == 0
    assert limiter.check("a", 5) == 12
