"""Where queries go: the system resolver from resolv.conf, and several sockets per server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, parse_target
from tests.support import rbldnsd as data
from tests.support.rbldnsd import RbldnsdServer, loopback_port_53, start_rbldnsd, stop_rbldnsd

pytestmark = pytest.mark.integration

ZEN = DnsblZoneConfig(name=data.ZEN, kind="zen")
#: One target of each answer class ZEN has: multi-code, CSS, XBL, DROP, PBL, IPv6, clean.
TARGETS = [
    data.SBL_XBL_PBL,
    data.CSS,
    data.XBL,
    data.DROP_SBL,
    data.PBL_ONLY,
    data.SBL_V6,
    data.CLEAN_IP,
    data.CLEAN_V6,
]


@pytest.fixture(scope="module")
def rbldnsd_on_port_53(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RbldnsdServer]:
    """The test zones served on 127.53.x.y:53, the only port a resolv.conf can name."""
    if os.geteuid() != 0:
        pytest.skip("binding port 53 for a resolv.conf target needs root")
    root = tmp_path_factory.mktemp("rbldnsd53")
    proc, server = start_rbldnsd(root, address=loopback_port_53)
    try:
        yield server
    finally:
        stop_rbldnsd(proc)


def _resolv_conf(tmp_path: Path, server: RbldnsdServer) -> Path:
    path = tmp_path / "resolv.conf"
    path.write_text(f"# written by the test\nsearch example.net\nnameserver {server.host}\n")
    return path


def _config(**settings: Any) -> DnsblConfig:
    return DnsblConfig(**{"zones": (ZEN,), "timeout": 0.3, "retries": 1, **settings})


async def test_no_nameservers_falls_back_to_resolv_conf(
    rbldnsd_on_port_53: RbldnsdServer, tmp_path: Path
) -> None:
    """With no nameserver configured the engine asks the one resolv.conf names, and it answers."""
    resolv_conf = _resolv_conf(tmp_path, rbldnsd_on_port_53)
    async with DnsblEngine(_config(), resolv_conf=resolv_conf) as engine:
        await engine.probed()
        result = await engine.check(parse_target(data.SBL_XBL_PBL))
        state = engine.health()[data.ZEN]["state"]
    assert [item.name for item in result.zones[0].listings] == ["SBL", "XBL", "PBL"]
    assert state == "up"


async def test_configured_nameservers_win_over_resolv_conf(
    rbldnsd_on_port_53: RbldnsdServer, silent_nameserver: str, tmp_path: Path
) -> None:
    """Configured nameservers are used even when resolv.conf names a working one."""
    resolv_conf = _resolv_conf(tmp_path, rbldnsd_on_port_53)
    config = _config(nameservers=(silent_nameserver,), health_checks=False, retries=0)
    async with DnsblEngine(config, resolv_conf=resolv_conf) as engine:
        result = await engine.check(parse_target(data.SBL_XBL_PBL))
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", "timeout")


async def _results(server: RbldnsdServer, sockets: int) -> list[dict[str, Any]]:
    config = _config(nameservers=(server.nameserver,), sockets=sockets, health_checks=False)
    async with DnsblEngine(config) as engine:
        results = await engine.check_many([parse_target(t) for t in TARGETS])
        sent = engine.counters()[data.ZEN].queries
    assert sent > len(TARGETS)  # every listing also fetched its TXT reason
    return [r.to_json() for r in results]


async def test_several_sockets_give_the_same_answers_as_one(rbldnsd: RbldnsdServer) -> None:
    """With sockets=4 every answer class comes back exactly as it does over a single socket."""
    four = await _results(rbldnsd, sockets=4)
    assert four == await _results(rbldnsd, sockets=1)
    assert [r["zones"][0]["status"] for r in four] == ["listed"] * 6 + ["not_listed"] * 2
