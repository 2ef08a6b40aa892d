"""The SQLite driver path of the intake group commit writes what the SQLAlchemy Core path writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from pipeline.clock import ManualClock
from pipeline.config import Config
from pipeline.models import Channel, Envelope
from pipeline.store.engine import create_store_engine, sqlite_path
from pipeline.store.intake import Delivery, SqlIntakeStore

ENVELOPE = Envelope(
    peer="192.0.2.10",
    helo="mx.reporter.example",
    mail_from="fbl@reporter.example",
    rcpt_to=("abuse@example.net", "abuse@localhost"),
)
CLOCK = ManualClock(datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(Config(data_dir=tmp_path))
    yield engine
    engine.dispose()


def stored_rows(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(sqlite_path(Config(data_dir=tmp_path))) as db:
        return db.execute("SELECT * FROM intake ORDER BY id").fetchall()


def test_driver_path_is_taken_on_sqlite(engine: Engine) -> None:
    """On SQLite the store group-commits through the driver, not through SQLAlchemy Core."""
    assert SqlIntakeStore(engine, CLOCK)._sqlite is not None


def test_driver_and_core_paths_write_identical_rows(tmp_path: Path, engine: Engine) -> None:
    """The same batch stored by either path leaves byte-identical rows and equal records."""
    fast = SqlIntakeStore(engine, CLOCK)
    batch = [Delivery(b"report %d\r\n" % n, Channel.SMTP, ENVELOPE) for n in range(3)]
    fast_results = fast.add_many(batch)
    fast_rows = stored_rows(tmp_path)
    engine.dispose()
    for path in tmp_path.iterdir():
        path.unlink()
    core = SqlIntakeStore(engine, CLOCK)
    core._sqlite = None
    assert core.add_many(batch) == fast_results
    assert stored_rows(tmp_path) == fast_rows


def test_driver_path_reports_known_bytes_as_duplicates(engine: Engine) -> None:
    """Bytes stored before come back as the earlier record with created False."""
    store = SqlIntakeStore(engine, CLOCK)
    ((first, _),) = store.add_many([Delivery(b"once\r\n", Channel.SMTP, ENVELOPE)])
    again = store.add_many([Delivery(b"once\r\n", Channel.LMTP, Envelope())])
    assert again == [(first, False)]
