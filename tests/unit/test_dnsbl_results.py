"""The result JSON: the contract shared by `dnsbl check --jsonl` and GET /v1/dnsbl/{target}."""

from __future__ import annotations

from pipeline.dnsbl.results import Listing, TargetResult, ZoneResult, invalid_target_json

SBL = Listing("127.0.0.2", "SBL", "Spamhaus SBL")


def test_listed_result_json_shape() -> None:
    """A listing serialises with target, kind, summary flags and per-zone details."""
    zone = ZoneResult("zen.spamhaus.org", "listed", (SBL,), "SBL123", None, 12.3456)
    assert TargetResult("192.0.2.2", "ip", (zone,)).to_json() == {
        "target": "192.0.2.2",
        "kind": "ip",
        "listed": True,
        "complete": True,
        "zones": [
            {
                "zone": "zen.spamhaus.org",
                "status": "listed",
                "listings": [{"code": "127.0.0.2", "name": "SBL", "description": "Spamhaus SBL"}],
                "reason": "SBL123",
                "error": None,
                "cached_age": 12.346,
            }
        ],
    }


def test_unknown_zone_makes_the_result_incomplete_not_clean() -> None:
    """A timed-out zone beside a clean one: not listed, and not complete either."""
    zones = (
        ZoneResult("zen.spamhaus.org", "not_listed"),
        ZoneResult("bl.example", "unknown", error="timeout"),
    )
    result = TargetResult("192.0.2.2", "ip", zones)
    assert (result.listed, result.complete) == (False, False)


def test_no_applicable_zone_is_incomplete() -> None:
    """A target no configured zone lists was not checked at all: complete is false."""
    assert TargetResult("example.com", "domain", ()).complete is False


def test_invalid_target_line_has_the_same_keys_plus_the_error() -> None:
    """The CLI's line for bad input carries the result keys and error invalid_target."""
    line = invalid_target_json("bad target", "whitespace")
    valid = TargetResult("192.0.2.2", "ip", ()).to_json()
    assert set(valid) < set(line) and line["error"] == "invalid_target"
