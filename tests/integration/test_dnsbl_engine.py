"""The lookup engine against a real rbldnsd serving Spamhaus-like zones: every answer class."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, TargetResult, ZoneResult, parse_target
from tests.support import rbldnsd as data
from tests.support.rbldnsd import RbldnsdServer

pytestmark = pytest.mark.integration

ZEN = DnsblZoneConfig(name=data.ZEN, kind="zen")
DBL = DnsblZoneConfig(name=data.DBL, kind="dbl")


def _engine(server: RbldnsdServer | str, *zones: DnsblZoneConfig, **extra: Any) -> DnsblEngine:
    ns = server.nameserver if isinstance(server, RbldnsdServer) else server
    settings: dict[str, Any] = {
        "zones": zones or (ZEN, DBL),
        "nameservers": (ns,),
        "timeout": 0.3,
        "retries": 1,
        "dqs_key": data.DQS_KEY,
    }
    settings.update(extra)
    return DnsblEngine(DnsblConfig(**settings))


async def _check(engine: DnsblEngine, text: str) -> TargetResult:
    async with engine:
        return await engine.check(parse_target(text))


async def _zone(server: RbldnsdServer, text: str, *zones: DnsblZoneConfig) -> ZoneResult:
    return (await _check(_engine(server, *zones), text)).zones[0]


def _codes(result: ZoneResult) -> list[tuple[str, str]]:
    return [(item.code, item.name) for item in result.listings]


async def test_multiple_codes_are_all_decoded_with_the_sbl_reference(
    rbldnsd: RbldnsdServer,
) -> None:
    """One IP on SBL, XBL and PBL answers three codes, all decoded, with the SBL TXT reason."""
    zone = await _zone(rbldnsd, data.SBL_XBL_PBL)
    assert zone.status == "listed"
    assert _codes(zone) == [("127.0.0.2", "SBL"), ("127.0.0.4", "XBL"), ("127.0.0.10", "PBL")]
    assert zone.reason is not None and data.SBL_REFERENCE in zone.reason


async def test_drop_comes_with_its_sbl_record(rbldnsd: RbldnsdServer) -> None:
    """A DROP netblock is listed as both SBL and DROP."""
    zone = await _zone(rbldnsd, data.DROP_SBL)
    assert _codes(zone) == [("127.0.0.2", "SBL"), ("127.0.0.9", "DROP")]


async def test_css_listing(rbldnsd: RbldnsdServer) -> None:
    """127.0.0.3 is decoded as CSS."""
    assert _codes(await _zone(rbldnsd, data.CSS)) == [("127.0.0.3", "CSS")]


@pytest.mark.parametrize("ip", [data.XBL, *data.XBL_LEGACY])
async def test_xbl_and_legacy_xbl_codes(rbldnsd: RbldnsdServer, ip: str) -> None:
    """127.0.0.4 and the legacy .5–.7 are all XBL."""
    assert [name for _code, name in _codes(await _zone(rbldnsd, ip))] == ["XBL"]


@pytest.mark.parametrize(
    ("ip", "code"), [(data.PBL_ONLY, "127.0.0.10"), (data.PBL_SPAMHAUS, "127.0.0.11")]
)
async def test_pbl_only_is_a_listing_kept_exact(rbldnsd: RbldnsdServer, ip: str, code: str) -> None:
    """A PBL-only answer is status listed with PBL alone (policy decides it is not abuse)."""
    zone = await _zone(rbldnsd, ip)
    assert (zone.status, _codes(zone)) == ("listed", [(code, "PBL")])


async def test_unlisted_ip_is_not_listed(rbldnsd: RbldnsdServer) -> None:
    """NXDOMAIN means not listed."""
    zone = await _zone(rbldnsd, data.CLEAN_IP)
    assert (zone.status, zone.listings, zone.error) == ("not_listed", (), None)


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        (data.SBL_V6, [("127.0.0.2", "SBL")]),
        (data.XBL_V6, [("127.0.0.4", "XBL")]),
        (data.CLEAN_V6, []),
    ],
)
async def test_ipv6_is_queried_as_nibbles(
    rbldnsd: RbldnsdServer, ip: str, expected: list[tuple[str, str]]
) -> None:
    """IPv6 listings (single address and /48) are found through the nibble query name."""
    assert _codes(await _zone(rbldnsd, ip)) == expected


@pytest.mark.parametrize(("domain", "listing"), sorted(data.DBL_CODES.items()))
async def test_dbl_codes(rbldnsd: RbldnsdServer, domain: str, listing: tuple[str, str]) -> None:
    """Each DBL code, abused-legit variants included, decodes to its category with a reason."""
    zone = await _zone(rbldnsd, domain, DBL)
    assert _codes(zone) == [listing]
    assert zone.reason == f"https://www.spamhaus.org/query/domain/{domain}"


async def test_unlisted_domain_is_not_listed(rbldnsd: RbldnsdServer) -> None:
    """A domain DBL does not list is not_listed."""
    assert (await _zone(rbldnsd, data.CLEAN_DOMAIN, DBL)).status == "not_listed"


async def test_targets_only_go_to_lists_of_their_kind(rbldnsd: RbldnsdServer) -> None:
    """IPs are asked of IP lists only and domains of domain lists only."""
    async with _engine(rbldnsd) as engine:
        ip = await engine.check(parse_target(data.CLEAN_IP))
        domain = await engine.check(parse_target(data.CLEAN_DOMAIN))
    assert [z.zone for z in ip.zones] == [data.ZEN]
    assert [z.zone for z in domain.zones] == [data.DBL]


async def test_ip_asked_of_a_domain_list_is_an_error(rbldnsd: RbldnsdServer) -> None:
    """127.0.1.255 (DBL configured as an IP list by mistake) is an error, not a listing."""
    misconfigured = DnsblZoneConfig(name=data.DBL, kind="dbl", lists="ip")
    engine = _engine(rbldnsd, misconfigured, health_checks=False)
    zone = (await _check(engine, data.SBL_XBL_PBL)).zones[0]
    assert (zone.status, zone.error, zone.listings) == ("error", "ip_on_domain_list", ())


async def test_dqs_zone_answers_and_hides_its_key(
    rbldnsd: RbldnsdServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A DQS zone is queried under the key, yet no result, health, counter or log shows it."""
    dqs = DnsblZoneConfig(name=data.DQS_ZEN, kind="zen", dqs=True)
    caplog.set_level(logging.DEBUG)
    async with _engine(rbldnsd, dqs) as engine:
        await engine.probed()
        result = await engine.check(parse_target(data.SBL_XBL_PBL))
        seen = json.dumps([result.to_json(), engine.health()]) + repr(engine.counters())
        seen += repr(engine._zones)
    assert result.zones[0].zone == data.DQS_ZEN and result.zones[0].status == "listed"
    logged = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert data.DQS_KEY not in seen + logged


async def test_dqs_key_problem_is_an_error(rbldnsd: RbldnsdServer) -> None:
    """127.255.255.250 (bad or expired DQS key) is the dqs_key error, never a listing."""
    dqs = DnsblZoneConfig(name=data.DQS_ZEN, kind="zen", dqs=True)
    engine = _engine(rbldnsd, dqs, dqs_key=data.EXPIRED_KEY, health_checks=False)
    zone = (await _check(engine, data.SBL_XBL_PBL)).zones[0]
    assert (zone.status, zone.error, zone.listings) == ("error", "dqs_key", ())


async def test_zrd_reports_the_domain_age(rbldnsd: RbldnsdServer) -> None:
    """A ZRD answer 127.0.2.5 is a ZRD listing of a domain first seen 5 hours ago."""
    zrd = DnsblZoneConfig(name=data.DQS_ZRD, kind="zrd", dqs=True)
    zone = await _zone(rbldnsd, data.ZRD_YOUNG, zrd)
    assert _codes(zone) == [("127.0.2.5", "ZRD")] and "5 hours" in zone.listings[0].description


@pytest.mark.parametrize(
    ("zone_name", "error"),
    [
        (data.PUBLIC_RESOLVER_ZONE, "public_resolver"),
        (data.RATE_LIMITED_ZONE, "rate_limited"),
        (data.TYPO_ZONE, "typo"),
    ],
)
async def test_refusals_are_errors_never_listings(
    rbldnsd: RbldnsdServer, zone_name: str, error: str
) -> None:
    """127.255.255.254/.255/.252 for a listed-looking target are errors with their kind."""
    zone_config = DnsblZoneConfig(name=zone_name, kind="zen")
    engine = _engine(rbldnsd, zone_config, health_checks=False)
    zone = (await _check(engine, data.SBL_XBL_PBL)).zones[0]
    assert (zone.status, zone.error, zone.listings) == ("error", error, ())


async def test_refusing_zone_trips_the_breaker_instead_of_flooding(
    rbldnsd: RbldnsdServer, caplog: pytest.LogCaptureFixture
) -> None:
    """After a .254 answer the zone is not asked again; health raises the alert, logged at ERROR."""
    acl = DnsblZoneConfig(name=data.PUBLIC_RESOLVER_ZONE, kind="zen")
    targets = [parse_target(f"192.0.2.{i}") for i in range(20, 40)]
    with caplog.at_level(logging.ERROR):
        engine = _engine(rbldnsd, acl, health_checks=False, max_concurrency=1)
        async with engine:
            results = await engine.check_many(targets)
            queries = engine.counters()[data.PUBLIC_RESOLVER_ZONE].queries
            health = engine.health()[data.PUBLIC_RESOLVER_ZONE]
    assert {r.zones[0].error for r in results} == {"public_resolver"}
    assert queries == 1  # one refusal, then the zone is left alone
    assert health["alert"] and health["breaker"]["open"]
    assert sum(r.levelno == logging.ERROR for r in caplog.records) == 1


async def test_wildcard_answer_outside_loopback_is_an_error(rbldnsd: RbldnsdServer) -> None:
    """An A record outside 127/8 (hijacking resolver) is unexpected_code, never a listing."""
    hijack = DnsblZoneConfig(name=data.HIJACK_ZONE, kind="zen")
    engine = _engine(rbldnsd, hijack, health_checks=False)
    zone = (await _check(engine, data.CLEAN_IP)).zones[0]
    assert (zone.status, zone.error) == ("error", "unexpected_code")


async def test_refused_zone_is_unknown(rbldnsd: RbldnsdServer) -> None:
    """REFUSED (a zone the server does not serve) is unknown, never clean."""
    other = DnsblZoneConfig(name="not-served.example", kind="zen")
    zone = (await _check(_engine(rbldnsd, other, health_checks=False), data.CLEAN_IP)).zones[0]
    assert (zone.status, zone.error) == ("unknown", "refused")


async def test_timeout_is_unknown_never_clean(silent_nameserver: str) -> None:
    """A server that never answers gives unknown/timeout after the retries."""
    engine = _engine(silent_nameserver, ZEN, health_checks=False, timeout=0.1)
    result = await _check(engine, data.CLEAN_IP)
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", "timeout")
    assert not result.complete


async def test_healthy_zones_pass_their_probe(rbldnsd: RbldnsdServer) -> None:
    """127.0.0.2 listed / 127.0.0.1 clean on ZEN and dbltest.com / example.com on DBL: up."""
    async with _engine(rbldnsd) as engine:
        await engine.probed()
        health = engine.health()
    assert {name: h["state"] for name, h in health.items()} == {data.ZEN: "up", data.DBL: "up"}


async def test_failed_probe_marks_the_zone_down_and_results_say_so(silent_nameserver: str) -> None:
    """A zone whose probe times out is down, and its results say zone_down."""
    async with _engine(silent_nameserver, ZEN, timeout=0.1, retries=0) as engine:
        await engine.probed()
        result = await engine.check(parse_target(data.SBL_XBL_PBL))
        health = engine.health()[data.ZEN]
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", "zone_down")
    assert health["up"] is False and "timeout" in health["probe_error"]


async def test_second_look_up_comes_from_the_cache(rbldnsd: RbldnsdServer) -> None:
    """A repeated check is served from the cache with its age, sending no query."""
    async with _engine(rbldnsd, ZEN, health_checks=False) as engine:
        first = await engine.check(parse_target(data.CSS))
        sent = engine.counters()[data.ZEN].queries
        second = await engine.check(parse_target(data.CSS))
        counters = engine.counters()[data.ZEN]
    assert first.zones[0].cached_age is None and second.zones[0].cached_age is not None
    assert second.zones[0].listings == first.zones[0].listings
    assert (counters.queries, counters.cache_hits) == (sent, 1)


async def test_check_many_keeps_input_order(rbldnsd: RbldnsdServer) -> None:
    """Results come back in the order the targets were given."""
    texts = [data.CLEAN_IP, data.CSS, data.PBL_ONLY, data.SBL_V6, data.XBL]
    async with _engine(rbldnsd, ZEN, health_checks=False) as engine:
        results = await engine.check_many([parse_target(t) for t in texts])
    assert [r.target for r in results] == texts


async def test_zones_are_probed_again_periodically(rbldnsd: RbldnsdServer) -> None:
    """With a short health_interval the probe runs again on its own."""
    async with _engine(rbldnsd, ZEN, health_interval=0.05) as engine:
        await engine.probed()
        first = engine.health()[data.ZEN]["last_probe"]
        for _ in range(100):
            await asyncio.sleep(0.02)
            if engine.health()[data.ZEN]["last_probe"] != first:
                break
        assert engine.health()[data.ZEN]["last_probe"] != first


async def test_check_many_of_nothing_is_empty(rbldnsd: RbldnsdServer) -> None:
    """An empty batch returns an empty list without querying."""
    async with _engine(rbldnsd, ZEN, health_checks=False) as engine:
        assert await engine.check_many([]) == []
        assert engine.counters()[data.ZEN].queries == 0
