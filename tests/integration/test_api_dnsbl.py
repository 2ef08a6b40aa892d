"""`GET /v1/dnsbl/{target}` and `POST /v1/dnsbl/batch` end to end against rbldnsd."""

from __future__ import annotations

import pytest

from pipeline.config import DnsblZoneConfig
from tests.support.api import READER_TOKEN, bearer, dnsbl_config, running_api
from tests.support.rbldnsd import (
    CLEAN_IP,
    DROP_SBL,
    PUBLIC_RESOLVER_ZONE,
    SBL_REFERENCE,
    SBL_XBL_PBL,
    RbldnsdServer,
)

pytestmark = pytest.mark.integration
AUTH = bearer(READER_TOKEN)


async def test_listed_ip_returns_every_code_and_the_reason(rbldnsd: RbldnsdServer) -> None:
    """An IP on SBL, XBL and PBL comes back listed with all three codes and the SBL reference."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get(f"/v1/dnsbl/{SBL_XBL_PBL}", headers=AUTH)
    assert reply.status_code == 200
    zone = reply.json()["zones"][0]
    assert zone["zone"] == "zen.dq.spamhaus.net" and zone["status"] == "listed"
    assert [item["name"] for item in zone["listings"]] == ["SBL", "XBL", "PBL"]
    assert SBL_REFERENCE in zone["reason"]


async def test_clean_ip_is_not_listed(rbldnsd: RbldnsdServer) -> None:
    """An address on no list answers not_listed and complete."""
    async with running_api(rbldnsd) as api, api.client() as client:
        body = (await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=AUTH)).json()
    assert body["listed"] is False and body["complete"] is True
    assert body["zones"][0]["status"] == "not_listed"


async def test_repeat_lookup_reports_its_cache_age(rbldnsd: RbldnsdServer) -> None:
    """A second look-up of the same IP is served from cache and says how old the answer is."""
    async with running_api(rbldnsd) as api, api.client() as client:
        await client.get(f"/v1/dnsbl/{SBL_XBL_PBL}", headers=AUTH)
        before = api.queries_sent()
        body = (await client.get(f"/v1/dnsbl/{SBL_XBL_PBL}", headers=AUTH)).json()
        assert api.queries_sent() == before
    assert body["zones"][0]["cached_age"] >= 0.0
    assert body["zones"][0]["status"] == "listed"


async def test_domain_is_asked_of_domain_lists(rbldnsd: RbldnsdServer) -> None:
    """A phishing domain is answered by DBL with DBL_PHISH."""
    async with running_api(rbldnsd) as api, api.client() as client:
        body = (await client.get("/v1/dnsbl/Phish.Test", headers=AUTH)).json()
    assert body["target"] == "phish.test" and body["kind"] == "domain"
    assert body["zones"][0]["listings"][0]["name"] == "DBL_PHISH"


async def test_zone_refusal_is_an_error_never_a_listing(rbldnsd: RbldnsdServer) -> None:
    """A zone answering 127.255.255.254 yields status error/public_resolver, listed false."""
    zones = (DnsblZoneConfig(name=PUBLIC_RESOLVER_ZONE, kind="zen"),)
    config = dnsbl_config(rbldnsd.nameserver, zones, health_checks=False)
    async with running_api(dnsbl=config) as api, api.client() as client:
        body = (await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=AUTH)).json()
    assert body["listed"] is False
    assert body["zones"][0] | {"zone": None} == {
        "zone": None,
        "status": "error",
        "listings": [],
        "reason": None,
        "error": "public_resolver",
        "cached_age": None,
    }


async def test_silent_nameserver_is_unknown_never_clean(silent_nameserver: str) -> None:
    """A timeout reports status unknown and complete false, not not_listed."""
    config = dnsbl_config(silent_nameserver, health_checks=False, timeout=0.2)
    async with running_api(dnsbl=config) as api, api.client() as client:
        body = (await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=AUTH)).json()
    assert body["complete"] is False
    assert (body["zones"][0]["status"], body["zones"][0]["error"]) == ("unknown", "timeout")


@pytest.mark.parametrize(
    "target",
    [
        "bad..name.example",
        "-dash.example",
        "a%20b.example",
        "1.2.3.4%2F24",
        "%2A.example",
        "x%00.example",
        "localhost",
        "999.1.1.1",
        "a" * 300,
    ],
)
async def test_invalid_target_is_422_before_any_query(rbldnsd: RbldnsdServer, target: str) -> None:
    """Text that is not an IP or domain is refused with 422 and no DNS query is sent."""
    async with running_api(rbldnsd) as api, api.client() as client:
        before = api.queries_sent()
        reply = await client.get(f"/v1/dnsbl/{target}", headers=AUTH)
        assert api.queries_sent() == before
    assert reply.status_code == 422 and reply.json()["error"] == "invalid_target"


async def test_batch_answers_in_request_order(rbldnsd: RbldnsdServer) -> None:
    """A batch returns one result per target, in the order given."""
    targets = [DROP_SBL, "spam.test", CLEAN_IP]
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.post("/v1/dnsbl/batch", json={"targets": targets}, headers=AUTH)
    results = reply.json()["results"]
    assert [r["target"] for r in results] == targets
    assert [r["listed"] for r in results] == [True, True, False]
    assert {x["name"] for x in results[0]["zones"][0]["listings"]} == {"SBL", "DROP"}


async def test_batch_over_max_batch_is_413(rbldnsd: RbldnsdServer) -> None:
    """More targets than api.max_batch (3 here) is refused with 413 before any query."""
    async with running_api(rbldnsd) as api, api.client() as client:
        before = api.queries_sent()
        reply = await client.post("/v1/dnsbl/batch", json={"targets": [CLEAN_IP] * 4}, headers=AUTH)
        assert api.queries_sent() == before
    assert reply.status_code == 413 and reply.json()["max_batch"] == 3


async def test_batch_with_an_invalid_target_is_422_naming_it(rbldnsd: RbldnsdServer) -> None:
    """One bad target refuses the whole batch, naming its index; nothing is looked up."""
    async with running_api(rbldnsd) as api, api.client() as client:
        before = api.queries_sent()
        reply = await client.post(
            "/v1/dnsbl/batch", json={"targets": [CLEAN_IP, "evil..example"]}, headers=AUTH
        )
        assert api.queries_sent() == before
    assert reply.status_code == 422
    assert [(i["index"], i["target"]) for i in reply.json()["invalid"]] == [(1, "evil..example")]


@pytest.mark.parametrize(
    "body", [b"not json", b'{"targets": []}', b'{"targets": "1.2.3.4"}', b"[1, 2]"]
)
async def test_malformed_batch_body_is_422(rbldnsd: RbldnsdServer, body: bytes) -> None:
    """A body that is not {"targets": [text, ...]} is refused with 422."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.post("/v1/dnsbl/batch", content=body, headers=AUTH)
    assert reply.status_code == 422


async def test_oversized_batch_body_is_413(rbldnsd: RbldnsdServer) -> None:
    """A body far beyond what max_batch targets can take is cut off with 413."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.post("/v1/dnsbl/batch", content=b" " * 100_000, headers=AUTH)
    assert reply.status_code == 413 and reply.json()["error"] == "body_too_large"
