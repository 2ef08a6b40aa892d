"""Identical look-ups in flight at the same moment send one query and share its outcome."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, parse_target
from tests.support import rbldnsd as data
from tests.support.rbldnsd import RbldnsdServer

pytestmark = pytest.mark.integration

ZEN = DnsblZoneConfig(name=data.ZEN, kind="zen")
BURST = 10


def _engine(nameserver: str, **settings: Any) -> DnsblEngine:
    config = DnsblConfig(
        zones=(ZEN,), nameservers=(nameserver,), timeout=0.2, retries=0, health_checks=False
    )
    return DnsblEngine(config.model_copy(update=settings))


async def test_burst_for_one_listed_ip_sends_one_a_and_one_txt_query(
    rbldnsd: RbldnsdServer,
) -> None:
    """Ten simultaneous checks of one listed IP cost one A and one TXT query; all get the reason."""
    target = parse_target(data.SBL_XBL_PBL)
    async with _engine(rbldnsd.nameserver) as engine:
        results = await asyncio.gather(*(engine.check(target) for _ in range(BURST)))
        counters = engine.counters()[data.ZEN]
    (reason,) = {r.zones[0].reason for r in results}
    assert reason is not None and data.SBL_REFERENCE in reason
    assert (counters.queries, counters.shared, counters.cache_misses) == (2, 2 * (BURST - 1), BURST)


async def test_burst_shares_a_timeout_and_does_not_cache_it(silent_nameserver: str) -> None:
    """A timeout reaches every waiter of the one query, and the next check asks again."""
    target = parse_target(data.CLEAN_IP)
    async with _engine(silent_nameserver) as engine:
        burst = await asyncio.gather(*(engine.check(target) for _ in range(BURST)))
        after_burst = engine.counters()[data.ZEN]
        later = await engine.check(target)
        queries = engine.counters()[data.ZEN].queries
    assert {(r.zones[0].status, r.zones[0].error) for r in burst} == {("unknown", "timeout")}
    assert (after_burst.queries, after_burst.timeouts, after_burst.shared) == (1, 1, BURST - 1)
    assert (later.zones[0].error, queries) == ("timeout", 2)


async def test_different_targets_are_not_merged(rbldnsd: RbldnsdServer) -> None:
    """Simultaneous checks of different IPs each send their own query."""
    targets = [parse_target(f"192.0.2.{i}") for i in range(100, 110)]
    async with _engine(rbldnsd.nameserver) as engine:
        await asyncio.gather(*(engine.check(t) for t in targets))
        counters = engine.counters()[data.ZEN]
    assert (counters.queries, counters.shared) == (len(targets), 0)
