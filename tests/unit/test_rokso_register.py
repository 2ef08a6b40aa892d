"""The versioned ROKSO register in the service database (SQLite here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.clock import ManualClock
from pipeline.config import Config
from pipeline.rokso.formats import parse_register
from pipeline.rokso.models import RoksoRecord
from pipeline.rokso.register import RoksoRegister
from pipeline.store.engine import create_store_engine

DATA = Path(__file__).resolve().parent.parent / "data" / "rokso"
V1 = parse_register((DATA / "register.csv").read_bytes(), "csv")
V2 = parse_register((DATA / "register_v2.json").read_bytes(), "json")
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def register(tmp_path: Path, clock: ManualClock) -> RoksoRegister:
    engine = create_store_engine(Config(data_dir=tmp_path))
    reg = RoksoRegister(engine, clock=clock)
    reg.migrate()
    return reg


def _import(register: RoksoRegister, records: tuple[RoksoRecord, ...], name: str) -> int:
    outcome = register.import_records(records, source=name, sha256="0" * 64)
    return outcome.version.version


def test_first_import_is_version_one_with_everything_added(register: RoksoRegister) -> None:
    """The first import creates version 1 and reports every record as added."""
    outcome = register.import_records(V1, source="register.csv", sha256="a" * 64)
    assert outcome.created and outcome.version.version == 1
    assert outcome.version.diff.added == ("ROK8801", "ROK8802", "ROK8803")
    assert outcome.version.imported_at == START


def test_identical_reimport_creates_no_version(register: RoksoRegister) -> None:
    """Importing the same records again keeps the version in force and says so."""
    _import(register, V1, "a.csv")
    again = register.import_records(V1, source="b.csv", sha256="b" * 64)
    assert not again.created and again.version.version == 1
    assert len(register.versions()) == 1


def test_changed_import_gives_new_version_and_diff(
    register: RoksoRegister, clock: ManualClock
) -> None:
    """A changed export becomes version 2 with added, removed and changed record ids."""
    _import(register, V1, "v1.csv")
    clock.advance(timedelta(days=7))
    outcome = register.import_records(V2, source="v2.json", sha256="c" * 64)
    assert outcome.version.version == 2
    assert outcome.version.diff.to_json() == {
        "added": ["ROK8804"],
        "removed": ["ROK8803"],
        "changed": ["ROK8802"],
    }
    assert register.current() == outcome.version


def test_old_versions_stay_readable(register: RoksoRegister) -> None:
    """Version 1's records survive a later import, so past decisions can be re-read."""
    _import(register, V1, "v1.csv")
    _import(register, V2, "v2.json")
    assert register.records(1) == V1
    assert [r.record_id for r in register.records()] == ["ROK8801", "ROK8802", "ROK8804"]


def test_record_lookup_uses_current_version_and_ignores_case(register: RoksoRegister) -> None:
    """show finds a record of the version in force by id in any case; a removed one is gone."""
    _import(register, V1, "v1.csv")
    _import(register, V2, "v2.json")
    record = register.record("rok8802")
    assert record is not None and "Blue Sky Deals" in record.aliases
    assert register.record("ROK8803") is None


def test_index_follows_the_version_in_force(register: RoksoRegister) -> None:
    """The matching index is rebuilt when a new version is imported."""
    _import(register, V1, "v1.csv")
    version, index = register.index()
    assert version is not None and version.version == 1 and index.match_name("Blue Sky Deals") == ()
    _import(register, V2, "v2.json")
    version, index = register.index()
    assert version is not None and version.version == 2
    assert [m.record_id for m in index.match_name("Blue Sky Deals")] == ["ROK8802"]


def test_index_trusts_its_version_for_the_refresh_window(tmp_path: Path) -> None:
    """With a refresh window, a new import shows up only once the window has passed."""
    now = [0.0]
    reg = RoksoRegister(
        create_store_engine(Config(data_dir=tmp_path)),
        refresh_seconds=5.0,
        monotonic=lambda: now[0],
    )
    reg.migrate()
    _import(reg, V1, "v1.csv")
    assert reg.index()[1].match_name("Blue Sky Deals") == ()
    _import(reg, V2, "v2.json")
    now[0] = 4.9
    assert reg.index()[1].match_name("Blue Sky Deals") == ()
    now[0] = 5.0
    version, index = reg.index()
    assert version is not None and version.version == 2
    assert [m.record_id for m in index.match_name("Blue Sky Deals")] == ["ROK8802"]


def test_empty_register_has_no_version_and_matches_nothing(register: RoksoRegister) -> None:
    """Before any import there is no version and every look-up is empty."""
    version, index = register.index()
    assert version is None and len(index) == 0 and register.records() == ()


def test_migrate_is_idempotent(register: RoksoRegister) -> None:
    """Running the migrations again on an existing register changes nothing."""
    _import(register, V1, "v1.csv")
    register.migrate()
    assert register.records() == V1
