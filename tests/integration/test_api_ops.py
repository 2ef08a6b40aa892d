"""`/healthz`, `/metrics`, `/openapi.json`, error shape, and the DQS key never leaving."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from pipeline.config import DnsblZoneConfig
from tests.support.api import READER_TOKEN, bearer, dnsbl_config, running_api
from tests.support.rbldnsd import (
    CLEAN_IP,
    DBL,
    DQS_KEY,
    PUBLIC_RESOLVER_ZONE,
    SBL_XBL_PBL,
    RbldnsdServer,
)

pytestmark = pytest.mark.integration
AUTH = bearer(READER_TOKEN)
COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"


async def test_healthz_reports_zones_without_a_token(rbldnsd: RbldnsdServer) -> None:
    """/healthz needs no token and shows every zone up after the start-up probe."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get("/healthz")
    assert reply.status_code == 200 and reply.json()["status"] == "ok"
    assert {z: s["up"] for z, s in reply.json()["zones"].items()} == {
        "zen.dq.spamhaus.net": True,
        DBL: True,
    }


async def test_healthz_is_503_when_no_zone_can_answer(rbldnsd: RbldnsdServer) -> None:
    """A single zone failing its probe (it refuses everyone) makes /healthz 503 'down'."""
    zones = (DnsblZoneConfig(name=PUBLIC_RESOLVER_ZONE, kind="zen"),)
    config = dnsbl_config(rbldnsd.nameserver, zones)
    async with running_api(dnsbl=config) as api, api.client() as client:
        reply = await client.get("/healthz")
    assert reply.status_code == 503 and reply.json()["status"] == "down"
    assert reply.json()["zones"][PUBLIC_RESOLVER_ZONE]["alert"] is True


async def test_metrics_count_requests_and_dnsbl_queries(rbldnsd: RbldnsdServer) -> None:
    """/metrics exposes request counts by route template and the engine's per-zone queries."""
    async with running_api(rbldnsd) as api, api.client() as client:
        await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=AUTH)
        await client.get(f"/v1/dnsbl/{CLEAN_IP}")
        text = (await client.get("/metrics", headers=AUTH)).text
    assert (
        'abuse_api_requests_total{method="GET",route="/v1/dnsbl/{target:path}",status="200"} 1.0'
        in text
    )
    assert 'abuse_api_auth_failures_total{reason="missing_token"} 1.0' in text
    assert 'abuse_dnsbl_queries_total{zone="zen.dq.spamhaus.net"}' in text


async def test_served_openapi_equals_the_committed_file(rbldnsd: RbldnsdServer) -> None:
    """GET /openapi.json returns exactly schemas/openapi.json."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get("/openapi.json", headers=AUTH)
    assert reply.status_code == 200
    assert reply.json() == json.loads(COMMITTED.read_text(encoding="utf-8"))


async def test_unknown_path_is_a_json_404(rbldnsd: RbldnsdServer) -> None:
    """Paths outside the API get the same JSON error shape as every refusal."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get("/v2/anything", headers=AUTH)
    assert reply.status_code == 404 and reply.json()["error"] == "not_found"


async def test_dqs_key_never_in_replies_metrics_or_logs(
    rbldnsd: RbldnsdServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Across look-ups, errors, health, metrics and logs the DQS key appears nowhere."""
    replies: list[httpx.Response] = []
    with caplog.at_level(logging.DEBUG):
        async with running_api(rbldnsd) as api, api.client() as client:
            for path in (
                f"/v1/dnsbl/{SBL_XBL_PBL}",
                f"/v1/dnsbl/{CLEAN_IP}",
                "/v1/dnsbl/x..y",
                "/healthz",
                "/metrics",
                "/openapi.json",
            ):
                replies.append(await client.get(path, headers=AUTH))
            replies.append(
                await client.post("/v1/dnsbl/batch", json={"targets": [SBL_XBL_PBL]}, headers=AUTH)
            )
    assert all(r.status_code in (200, 422) for r in replies)
    for reply in replies:
        assert DQS_KEY not in reply.text
        assert DQS_KEY not in str(reply.headers)
    assert caplog.records, "the look-ups should have logged something"
    for record in caplog.records:
        assert DQS_KEY not in record.getMessage()
        assert DQS_KEY not in json.dumps(record.__dict__, default=str)
