"""A real API server on 127.0.0.1 (ephemeral port) over a real DNSBL engine, for API tests.

``running_api`` starts the engine against the rbldnsd fixture's nameserver, the Starlette app
and uvicorn, and yields where it listens; tests talk to it with ``httpx.AsyncClient``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from pipeline.api.app import create_app
from pipeline.api.ratelimit import RateLimiter
from pipeline.api.server import ApiServer
from pipeline.config import ApiConfig, ApiTokenConfig, DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl.engine import DnsblEngine
from pipeline.rokso.register import RoksoRegister
from tests.support.rbldnsd import DBL, DQS_KEY, DQS_ZEN, RbldnsdServer

READER_TOKEN = "reader-token-0123456789abcdef"
LIMITED_TOKEN = "limited-token-0123456789abcdef"
ROKSO_TOKEN = "rokso-only-token-0123456789ab"

TOKENS = (
    ApiTokenConfig(
        name="reader",
        token=SecretStr(READER_TOKEN),
        scopes=("dnsbl:read", "rokso:read", "metrics:read"),
    ),
    ApiTokenConfig(
        name="limited", token=SecretStr(LIMITED_TOKEN), scopes=("dnsbl:read",), rate_limit=2
    ),
    ApiTokenConfig(name="rokso-only", token=SecretStr(ROKSO_TOKEN), scopes=("rokso:read",)),
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def dnsbl_config(
    nameserver: str,
    zones: Sequence[DnsblZoneConfig] = (
        DnsblZoneConfig(name=DQS_ZEN, kind="zen", dqs=True),
        DnsblZoneConfig(name=DBL, kind="dbl"),
    ),
    *,
    health_checks: bool = True,
    timeout: float = 1.0,
) -> DnsblConfig:
    """The DQS-keyed ZEN and DBL zones of the rbldnsd fixture (the key is a secret to guard)."""
    return DnsblConfig(
        zones=tuple(zones),
        nameservers=(nameserver,),
        dqs_key=SecretStr(DQS_KEY),
        timeout=timeout,
        retries=0,
        health_checks=health_checks,
    )


@dataclass(frozen=True)
class RunningApi:
    url: str
    engine: DnsblEngine

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10.0)

    def queries_sent(self) -> int:
        return sum(c.queries for c in self.engine.counters().values())


@asynccontextmanager
async def running_api(
    server: RbldnsdServer | None = None,
    *,
    dnsbl: DnsblConfig | None = None,
    api: ApiConfig | None = None,
    register: RoksoRegister | None = None,
    limiter: RateLimiter | None = None,
) -> AsyncIterator[RunningApi]:
    """Engine, app and uvicorn up on 127.0.0.1:<ephemeral>; all stopped on exit."""
    if dnsbl is None:
        if server is None:
            raise ValueError("give the rbldnsd server or a DnsblConfig")
        dnsbl = dnsbl_config(server.nameserver)
    api = api or ApiConfig(tokens=TOKENS, max_batch=3, port=0)
    engine = DnsblEngine(dnsbl)
    await engine.start()
    # Tests read /healthz right away: wait for the zones' first probe instead of racing it.
    await engine.probed()
    secrets = [DQS_KEY, *(t.token.get_secret_value() for t in api.tokens if t.token)]
    app = create_app(api, engine, register, secrets=secrets, limiter=limiter)
    http = ApiServer(app, "127.0.0.1", 0)
    try:
        await http.start()
        yield RunningApi(url=http.url, engine=engine)
    finally:
        await http.stop()
        await engine.close()
