"""Bearer tokens, scopes and per-token rate limits, through a real HTTP client and server."""

from __future__ import annotations

import pytest

from pipeline.api.ratelimit import RateLimiter
from pipeline.config import ApiConfig
from tests.support.api import (
    LIMITED_TOKEN,
    READER_TOKEN,
    ROKSO_TOKEN,
    bearer,
    running_api,
)
from tests.support.rbldnsd import CLEAN_IP, RbldnsdServer

pytestmark = pytest.mark.integration


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_no_token_gets_401_with_bearer_challenge(rbldnsd: RbldnsdServer) -> None:
    """A request without credentials is refused with 401 and a bare Bearer challenge."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get(f"/v1/dnsbl/{CLEAN_IP}")
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == 'Bearer realm="abuse-pipeline"'
    assert reply.json()["error"] == "unauthorized"


async def test_wrong_token_gets_401_invalid_token(rbldnsd: RbldnsdServer) -> None:
    """An unknown token is refused with RFC 6750's invalid_token, and no DNS query is made."""
    async with running_api(rbldnsd) as api, api.client() as client:
        before = api.queries_sent()
        reply = await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(READER_TOKEN + "x"))
        assert api.queries_sent() == before
    assert reply.status_code == 401
    assert 'error="invalid_token"' in reply.headers["www-authenticate"]


async def test_other_scheme_gets_401_invalid_request(rbldnsd: RbldnsdServer) -> None:
    """Basic credentials are not a bearer token: 401 invalid_request."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get(f"/v1/dnsbl/{CLEAN_IP}", auth=("reader", READER_TOKEN))
    assert reply.status_code == 401
    assert 'error="invalid_request"' in reply.headers["www-authenticate"]


async def test_token_without_scope_gets_403(rbldnsd: RbldnsdServer) -> None:
    """A valid token lacking dnsbl:read is refused with 403 insufficient_scope naming it."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(ROKSO_TOKEN))
    assert reply.status_code == 403
    challenge = reply.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="dnsbl:read"' in challenge


async def test_without_configured_tokens_only_healthz_is_served(rbldnsd: RbldnsdServer) -> None:
    """With no tokens configured /healthz answers and every other route says 401."""
    async with running_api(rbldnsd, api=ApiConfig(port=0)) as api, api.client() as client:
        health = await client.get("/healthz")
        refused = [
            (await client.get(path, headers=bearer(READER_TOKEN))).status_code
            for path in (f"/v1/dnsbl/{CLEAN_IP}", "/v1/rokso/x", "/metrics", "/openapi.json")
        ]
    assert health.status_code == 200
    assert refused == [401, 401, 401, 401]


async def test_rate_limit_answers_429_with_retry_after(rbldnsd: RbldnsdServer) -> None:
    """A token allowed 2 requests a minute gets 429 on the third, told to retry in 30 s."""
    async with running_api(rbldnsd) as api, api.client() as client:
        codes = [
            (await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(LIMITED_TOKEN))).status_code
            for _ in range(3)
        ]
        refused = await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(LIMITED_TOKEN))
        other = await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(READER_TOKEN))
    assert codes == [200, 200, 429]
    assert refused.headers["retry-after"] == "30"
    assert other.status_code == 200  # limits are per token


async def test_rate_limit_refills_over_time(rbldnsd: RbldnsdServer) -> None:
    """After the bucket refills (30 s for one request at 2/min) the token is served again."""
    clock = FakeMonotonic()
    async with running_api(rbldnsd, limiter=RateLimiter(clock)) as api, api.client() as client:

        async def ask() -> int:
            reply = await client.get(f"/v1/dnsbl/{CLEAN_IP}", headers=bearer(LIMITED_TOKEN))
            return reply.status_code

        codes = [await ask() for _ in range(3)]
        clock.now += 30.0
        again = await ask()
    assert codes == [200, 200, 429]
    assert again == 200


async def test_batch_targets_count_against_the_rate_limit(rbldnsd: RbldnsdServer) -> None:
    """A batch of three targets costs three requests: beyond a 2/min token's allowance."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.post(
            "/v1/dnsbl/batch",
            json={"targets": [CLEAN_IP, "192.0.2.201", "192.0.2.202"]},
            headers=bearer(LIMITED_TOKEN),
        )
    assert reply.status_code == 429
