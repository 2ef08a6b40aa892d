"""The API as a component of the service that `abuse-pipeline run` builds."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pipeline.api.component import ApiComponent
from pipeline.config import load_config
from pipeline.service import build_service
from tests.support.api import READER_TOKEN
from tests.support.rbldnsd import DQS_KEY, DQS_ZEN, RbldnsdServer

pytestmark = pytest.mark.integration


async def test_service_serves_the_api_over_its_engine(
    rbldnsd: RbldnsdServer, tmp_path: Path
) -> None:
    """build_service starts engine and API (ephemeral port); stop closes them."""
    config = load_config(
        data_dir=tmp_path,
        environ={
            "ABUSE_PIPELINE_SMTP__ENABLED": "false",
            "ABUSE_PIPELINE_API__PORT": "0",
            "ABUSE_PIPELINE_DNSBL__NAMESERVERS": f'["{rbldnsd.nameserver}"]',
            "ABUSE_PIPELINE_DNSBL__DQS_KEY": DQS_KEY,
            "ABUSE_PIPELINE_DNSBL__ZONES": f'[{{name = "{DQS_ZEN}", kind = "zen", dqs = true}}]',
            "ABUSE_PIPELINE_API__TOKENS": f'[{{name = "ops", token = "{READER_TOKEN}"}}]',
        },
    )
    service = build_service(config)
    await service.start()
    try:
        [api] = [c for c in service.components if isinstance(c, ApiComponent)]
        assert api.address is not None
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{api.address[1]}") as client:
            health = await client.get("/healthz")
            lookup = await client.get(
                "/v1/dnsbl/192.0.2.2", headers={"Authorization": f"Bearer {READER_TOKEN}"}
            )
    finally:
        await service.stop()
    assert health.json()["zones"][DQS_ZEN]["up"] is True
    assert lookup.json()["listed"] is True
    assert api.address is None
