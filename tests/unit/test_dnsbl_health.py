"""Zone health: the refusal breaker alerts once and holds off, the probe marks zones down."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from pipeline.clock import ManualClock
from pipeline.dnsbl.health import ZoneHealth


class Now:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _health(now: Now) -> ZoneHealth:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    return ZoneHealth("zen.spamhaus.org", cooldown=300, clock=clock, monotonic=now)


def test_refusal_opens_the_breaker_with_one_error_log(caplog: pytest.LogCaptureFixture) -> None:
    """Repeated .254 answers log one ERROR and keep the zone unasked during the cooldown."""
    now = Now()
    health = _health(now)
    with caplog.at_level(logging.ERROR, logger="pipeline.dnsbl.health"):
        health.trip("public_resolver")
        health.trip("public_resolver")
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
    assert not health.allows_query()
    assert health.to_json()["alert"] is True
    assert health.to_json()["breaker"]["reason"] == "public_resolver"


def test_breaker_lets_one_trial_query_through_after_the_cooldown() -> None:
    """After cooldown one query may test the zone; a good answer closes the breaker."""
    now = Now()
    health = _health(now)
    health.trip("rate_limited")
    now.t += 300
    assert (health.allows_query(), health.allows_query()) == (True, False)
    health.answered()
    assert health.allows_query() and health.to_json()["breaker"]["open"] is False


def test_failed_probe_marks_the_zone_down_and_alerts() -> None:
    """A failed probe records its reason, the time, and raises the alert flag."""
    health = _health(Now())
    health.probed("127.0.0.2 not listed (timeout)")
    report = health.to_json()
    assert (report["up"], report["alert"]) == (False, True)
    assert report["probe_error"] == "127.0.0.2 not listed (timeout)"
    assert report["last_probe"] == "2026-01-01T00:00:00+00:00"


def test_passing_probe_brings_the_zone_back_up() -> None:
    """A zone that passes its probe after failing is up again."""
    health = _health(Now())
    health.probed("down")
    health.probed(None)
    assert health.to_json()["up"] is True


def test_zone_is_unprobed_until_its_first_probe() -> None:
    """Before any probe the state is unprobed, neither up nor down, and raises no alert."""
    report = _health(Now()).to_json()
    assert (report["state"], report["up"], report["alert"]) == ("unprobed", None, False)


def test_state_follows_the_probe_verdict() -> None:
    """A failed probe makes the state down, a passing one up."""
    health = _health(Now())
    health.probed("127.0.0.2 not listed (timeout)")
    down = health.to_json()["state"]
    health.probed(None)
    assert (down, health.to_json()["state"]) == ("down", "up")


def test_zone_without_a_probe_says_so() -> None:
    """A zone that will never be probed reports probe_scheduled false beside unprobed."""
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    health = ZoneHealth("zrd.example", cooldown=300, clock=clock, probe_scheduled=False)
    assert (health.to_json()["state"], health.to_json()["probe_scheduled"]) == ("unprobed", False)
