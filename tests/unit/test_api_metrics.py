"""Prometheus rendering: engine counters by zone display name, own registry, secrets scrubbed."""

from __future__ import annotations

from typing import Any

from pipeline.api.metrics import ApiMetrics, DnsblCollector
from pipeline.api.routes.ops import health_status
from pipeline.dnsbl.counters import ZoneCounters

KEY = "dqskey0123456789abcdefghij"


def _counters() -> dict[str, ZoneCounters]:
    return {
        "zen.dq.spamhaus.net": ZoneCounters(
            "zen.dq.spamhaus.net", 7, 3, 4, 1, {"public_resolver": 2}
        )
    }


def _health() -> dict[str, Any]:
    return {"zen.dq.spamhaus.net": {"up": False}}


def test_engine_counters_render_per_zone_and_error_kind() -> None:
    """Queries, timeouts, errors by kind and zone health appear under the zone's display name."""
    metrics = ApiMetrics()
    metrics.add_dnsbl(DnsblCollector(_counters, _health))
    text = metrics.render().decode()
    assert 'abuse_dnsbl_queries_total{zone="zen.dq.spamhaus.net"} 7.0' in text
    assert 'abuse_dnsbl_errors_total{kind="public_resolver",zone="zen.dq.spamhaus.net"} 2.0' in text
    assert 'abuse_dnsbl_zone_up{zone="zen.dq.spamhaus.net"} 0.0' in text


def test_each_app_has_its_own_registry() -> None:
    """Two metric sets never share counters (no process-global registry)."""
    first, second = ApiMetrics(), ApiMetrics()
    first.requests.labels("/healthz", "GET", "200").inc()
    assert 'route="/healthz"' in first.render().decode()
    assert 'route="/healthz"' not in second.render().decode()


def test_configured_secrets_are_scrubbed_from_the_exposition() -> None:
    """Even a label that somehow carried a secret is rendered redacted."""
    metrics = ApiMetrics(secrets=[KEY])
    metrics.rate_limited.labels(f"{KEY}.zen").inc()
    text = metrics.render().decode()
    assert KEY not in text and "[redacted].zen" in text


def test_health_status_ok_degraded_down() -> None:
    """All zones usable is ok; some down or breaker open is degraded (200); none is down (503)."""
    up, down = {"up": True}, {"up": False}
    tripped = {"up": True, "breaker": {"open": True}}
    assert health_status({"a": up, "b": {"up": None}}) == ("ok", 200)
    assert health_status({"a": up, "b": tripped}) == ("degraded", 200)
    assert health_status({"a": down, "b": tripped}) == ("down", 503)


def test_unprobed_zone_is_not_reported_down() -> None:
    """A zone whose first probe has not answered gets probed=0 and no up sample, not up=0."""
    metrics = ApiMetrics()
    health = {"zen.dq.spamhaus.net": {"up": None, "state": "unprobed"}}
    metrics.add_dnsbl(DnsblCollector(_counters, lambda: health))
    text = metrics.render().decode()
    assert 'abuse_dnsbl_zone_probed{zone="zen.dq.spamhaus.net"} 0.0' in text
    assert "abuse_dnsbl_zone_up{" not in text
