"""Prometheus metrics of the API and the DNSBL engine, in a registry owned by one app.

No process-global registry: two apps (or two tests) never share counters. DNSBL figures are
read from the engine at scrape time, labelled by zone *display* name, which never holds a DQS
key; the rendered text is scrubbed of configured secrets as a last line of defence anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from pipeline.dnsbl.counters import ZoneCounters

#: ``text/plain; version=0.0.4`` — the Prometheus text exposition format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class DnsblCollector:
    """Reads the engine's counters and zone health on every scrape."""

    def __init__(
        self,
        counters: Callable[[], Mapping[str, ZoneCounters]],
        health: Callable[[], Mapping[str, Any]],
    ) -> None:
        self._counters = counters
        self._health = health

    def collect(self) -> Iterator[Metric]:
        queries = CounterMetricFamily(
            "abuse_dnsbl_queries", "DNS queries sent, retries included", labels=["zone"]
        )
        hits = CounterMetricFamily("abuse_dnsbl_cache_hits", "Answers from cache", labels=["zone"])
        misses = CounterMetricFamily(
            "abuse_dnsbl_cache_misses", "Look-ups not in cache", labels=["zone"]
        )
        timeouts = CounterMetricFamily("abuse_dnsbl_timeouts", "Queries timed out", labels=["zone"])
        errors = CounterMetricFamily(
            "abuse_dnsbl_errors", "Zone results by error kind", labels=["zone", "kind"]
        )
        for zone, c in self._counters().items():
            queries.add_metric([zone], c.queries)
            hits.add_metric([zone], c.cache_hits)
            misses.add_metric([zone], c.cache_misses)
            timeouts.add_metric([zone], c.timeouts)
            for kind, count in sorted(c.errors.items()):
                errors.add_metric([zone, kind], count)
        shared = CounterMetricFamily(
            "abuse_dnsbl_shared_answers",
            "Answers handed to identical look-ups already in flight",
            labels=["zone"],
        )
        for zone, c in self._counters().items():
            shared.add_metric([zone], c.shared)
        up = GaugeMetricFamily(
            "abuse_dnsbl_zone_up", "1 if the zone's health probe passes", labels=["zone"]
        )
        # A zone not probed yet (or never probed) is neither up nor down: it gets no ``up``
        # sample, only ``probed`` = 0, so an alert on ``up == 0`` does not fire on it.
        probed = GaugeMetricFamily(
            "abuse_dnsbl_zone_probed", "1 once the zone's health probe has answered",
            labels=["zone"],
        )
        for zone, state in self._health().items():
            known = _is_probed(state)
            probed.add_metric([zone], 1.0 if known else 0.0)
            if known:
                up.add_metric([zone], 1.0 if _is_up(state) else 0.0)
        yield from (queries, hits, misses, timeouts, errors, shared, up, probed)


def _is_probed(state: Any) -> bool:
    return not (isinstance(state, Mapping) and state.get("state") == "unprobed")


def _is_up(state: Any) -> bool:
    return bool(state.get("up")) if isinstance(state, Mapping) else bool(state)


class ApiMetrics:
    """Request counters and latencies by route template (never the raw path or a token)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._secrets = tuple(s for s in secrets if s)
        self.requests = Counter(
            "abuse_api_requests",
            "HTTP requests answered",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "abuse_api_request_seconds",
            "Time to answer a request",
            ["route"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "abuse_api_rate_limited",
            "Requests refused with 429, by token name",
            ["token"],
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "abuse_api_auth_failures",
            "Requests refused with 401 or 403, by reason",
            ["reason"],
            registry=self.registry,
        )

    def add_dnsbl(self, collector: DnsblCollector) -> None:
        self.registry.register(collector)

    def render(self) -> bytes:
        text = generate_latest(self.registry).decode("utf-8")
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text.encode("utf-8")
