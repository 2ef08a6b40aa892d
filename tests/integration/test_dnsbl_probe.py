"""Health probes run in the background: start is not delayed, unprobed zones say so."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, parse_target
from tests.support import rbldnsd as data
from tests.support.rbldnsd import RbldnsdServer

pytestmark = pytest.mark.integration

ZEN = DnsblZoneConfig(name=data.ZEN, kind="zen")
ZRD = DnsblZoneConfig(name=data.DQS_ZRD, kind="zrd", dqs=True)


def _engine(nameserver: str, *zones: DnsblZoneConfig, **settings: Any) -> DnsblEngine:
    config = DnsblConfig(
        zones=zones or (ZEN,),
        nameservers=(nameserver,),
        timeout=0.3,
        retries=1,
        dqs_key=SecretStr(data.DQS_KEY),
    )
    return DnsblEngine(config.model_copy(update=settings))


async def test_start_returns_before_the_probe_of_an_unreachable_resolver(
    silent_nameserver: str,
) -> None:
    """Start waits only health_start_wait; the unprobed zone is asked: timeout, not zone_down."""
    async with _engine(silent_nameserver, health_start_wait=0.1) as engine:
        state = engine.health()[data.ZEN]["state"]
        during = await engine.check(parse_target(data.CLEAN_IP))
        await engine.probed()
        after = await engine.check(parse_target(data.CLEAN_IP))
        health = engine.health()[data.ZEN]
    assert state == "unprobed" and during.zones[0].error == "timeout"
    assert (health["state"], health["alert"], after.zones[0].error) == ("down", True, "zone_down")


async def test_quick_resolver_is_probed_by_the_time_start_returns(rbldnsd: RbldnsdServer) -> None:
    """Within the default start wait a zone answering on loopback is already up."""
    async with _engine(rbldnsd.nameserver) as engine:
        state = engine.health()[data.ZEN]["state"]
    assert state == "up"


async def test_zrd_probe_passes_against_a_working_zone(rbldnsd: RbldnsdServer) -> None:
    """ZRD's clean-half probe (example.com not listed) marks a working ZRD up with one query."""
    async with _engine(rbldnsd.nameserver, ZRD) as engine:
        await engine.probed()
        health = engine.health()[data.DQS_ZRD]
        queries = engine.counters()[data.DQS_ZRD].queries
    assert (health["state"], health["probe_error"], queries) == ("up", None, 1)


async def test_zrd_probe_fails_against_an_unreachable_resolver(silent_nameserver: str) -> None:
    """ZRD's probe times out at a silent server and the zone is marked down."""
    async with _engine(silent_nameserver, ZRD) as engine:
        await engine.probed()
        health = engine.health()[data.DQS_ZRD]
    assert health["state"] == "down" and "example.com not clean" in health["probe_error"]


async def test_zone_without_a_test_point_is_marked_unprobed(rbldnsd: RbldnsdServer) -> None:
    """A domain list with no probe stays unprobed, with no probe scheduled and no alert."""
    bare = DnsblZoneConfig(name=data.DBL, kind="generic", lists="domain")
    async with _engine(rbldnsd.nameserver, bare) as engine:
        await engine.probed()
        health = engine.health()[data.DBL]
    assert (health["state"], health["probe_scheduled"], health["alert"]) == (
        "unprobed",
        False,
        False,
    )


async def test_probing_off_leaves_zones_unprobed(rbldnsd: RbldnsdServer) -> None:
    """With health_checks off nothing is probed, probed() returns at once and no query is sent."""
    async with _engine(rbldnsd.nameserver, health_checks=False) as engine:
        await engine.probed()
        health = engine.health()[data.ZEN]
        queries = engine.counters()[data.ZEN].queries
    assert (health["state"], health["probe_scheduled"], queries) == ("unprobed", False, 0)
