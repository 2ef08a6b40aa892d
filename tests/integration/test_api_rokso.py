"""`GET /v1/rokso/{query}` against a register imported into a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from pipeline.config import Config
from pipeline.dnsbl.engine import DnsblEngine
from pipeline.dnsbl.targets import parse_target
from pipeline.rokso.formats import parse_register
from pipeline.rokso.match import RoksoIndex
from pipeline.rokso.models import RoksoRecord
from pipeline.rokso.register import RoksoRegister
from pipeline.store.engine import create_store_engine
from tests.support.api import (
    LIMITED_TOKEN,
    READER_TOKEN,
    ROKSO_TOKEN,
    bearer,
    dnsbl_config,
    running_api,
)
from tests.support.rbldnsd import SBL_XBL_PBL, RbldnsdServer

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data" / "rokso"


@pytest.fixture
def register(tmp_path: Path) -> RoksoRegister:
    reg = RoksoRegister(create_store_engine(Config(data_dir=tmp_path)))
    reg.migrate()
    data = (DATA / "register.csv").read_bytes()
    reg.import_records(parse_register(data, "csv"), source="register.csv", sha256="0" * 64)
    return reg


async def test_ip_in_listed_netblock_matches_with_record_id(
    rbldnsd: RbldnsdServer, register: RoksoRegister
) -> None:
    """An address inside ROK8801's netblock is reported with the record id and the netblock."""
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        reply = await client.get("/v1/rokso/198.51.100.20", headers=bearer(ROKSO_TOKEN))
    body = reply.json()
    assert reply.status_code == 200 and body["listed"] and body["register_version"] == 1
    assert [(m["record_id"], m["kind"], m["listed"]) for m in body["matches"]] == [
        ("ROK8801", "ip_in_netblock", "198.51.100.0/25")
    ]


async def test_netblock_and_name_queries_match(
    rbldnsd: RbldnsdServer, register: RoksoRegister
) -> None:
    """A CIDR query (with its slash) and a spaced alias both reach the register."""
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        block = (await client.get("/v1/rokso/203.0.113.0/24", headers=bearer(READER_TOKEN))).json()
        name = (await client.get("/v1/rokso/ABM%20Mailers", headers=bearer(READER_TOKEN))).json()
    assert block["matches"][0]["kind"] == "netblock_overlap"
    assert name["matches"][0]["record_id"] == "ROK8801"


async def test_unlisted_query_is_not_listed(
    rbldnsd: RbldnsdServer, register: RoksoRegister
) -> None:
    """A domain on no record answers listed false with no matches."""
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        body = (await client.get("/v1/rokso/example.net", headers=bearer(ROKSO_TOKEN))).json()
    assert body == {"query": "example.net", "register_version": 1, "listed": False, "matches": []}


async def test_rokso_needs_its_scope(rbldnsd: RbldnsdServer, register: RoksoRegister) -> None:
    """A token with only dnsbl:read is refused with 403."""
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        reply = await client.get("/v1/rokso/198.51.100.20", headers=bearer(LIMITED_TOKEN))
    assert reply.status_code == 403


async def test_overlong_or_control_query_is_422(
    rbldnsd: RbldnsdServer, register: RoksoRegister
) -> None:
    """A query over 256 characters or holding control characters is refused with 422."""
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        long = await client.get("/v1/rokso/" + "a" * 300, headers=bearer(ROKSO_TOKEN))
        ctrl = await client.get("/v1/rokso/abc%07def", headers=bearer(ROKSO_TOKEN))
    assert (long.status_code, ctrl.status_code) == (422, 422)


async def test_without_register_rokso_is_503(rbldnsd: RbldnsdServer) -> None:
    """An API started without a register says so with 503 instead of 'not listed'."""
    async with running_api(rbldnsd) as api, api.client() as client:
        reply = await client.get("/v1/rokso/198.51.100.20", headers=bearer(ROKSO_TOKEN))
    assert reply.status_code == 503 and reply.json()["error"] == "register_unavailable"


async def test_sbl_reference_from_rbldnsd_txt_points_to_rokso_record(
    rbldnsd: RbldnsdServer,
) -> None:
    """A live ZEN answer whose TXT cites SBL123456 matches the ROKSO record listing it."""
    record = RoksoRecord("ROK9001", "Example Spam Operation", sbl_ids=("SBL123456",))
    async with DnsblEngine(dnsbl_config(rbldnsd.nameserver)) as engine:
        result = await engine.check(parse_target(SBL_XBL_PBL))
    [match] = RoksoIndex([record]).match_dnsbl_result(result)
    assert (match.record_id, match.kind.value, match.listed) == (
        "ROK9001",
        "sbl_reference",
        "SBL123456",
    )


async def test_store_failure_is_a_500_without_internals(
    rbldnsd: RbldnsdServer, register: RoksoRegister, tmp_path: Path
) -> None:
    """A register whose tables vanished answers 500 internal_error, no SQL text in the reply."""
    engine = create_store_engine(Config(data_dir=tmp_path))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE rokso_records"))
    async with running_api(rbldnsd, register=register) as api, api.client() as client:
        reply = await client.get("/v1/rokso/198.51.100.20", headers=bearer(ROKSO_TOKEN))
    assert reply.status_code == 500
    assert reply.json() == {
        "error": "internal_error",
        "detail": "the request could not be answered",
    }
