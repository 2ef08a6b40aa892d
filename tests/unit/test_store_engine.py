"""The store engine's SQLite settings and the versioned migrations other parts build on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from pipeline.config import Config
from pipeline.models import Channel, Envelope
from pipeline.store.engine import apply_migrations, create_store_engine, sqlite_path
from pipeline.store.intake import SqlIntakeStore


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(Config(data_dir=tmp_path / "var"))
    yield engine
    engine.dispose()


def test_sqlite_runs_wal_with_full_fsync(engine: Engine) -> None:
    """The embedded database uses WAL, synchronous=FULL and enforces foreign keys."""
    with engine.connect() as conn:
        pragmas = [
            conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "synchronous", "foreign_keys")
        ]
    assert pragmas == ["wal", 2, 1]


def test_database_file_lives_under_the_data_dir(tmp_path: Path, engine: Engine) -> None:
    """The SQLite file is abuse.db inside data_dir, created with its directory."""
    with engine.connect():
        pass
    assert sqlite_path(Config(data_dir=tmp_path / "var")).is_file()


def test_migrations_apply_once_and_report_the_version(engine: Engine) -> None:
    """Re-applying the same migrations changes nothing and returns the same version."""
    steps = ["CREATE TABLE rokso_record (id INTEGER PRIMARY KEY)"]
    assert apply_migrations(engine, "rokso", steps) == 1
    assert apply_migrations(engine, "rokso", steps) == 1


def test_appended_migration_runs_on_next_start(engine: Engine) -> None:
    """A step appended later runs alone, after the steps already recorded."""
    first = "CREATE TABLE timer (id INTEGER PRIMARY KEY)"
    apply_migrations(engine, "timers", [first])
    assert apply_migrations(engine, "timers", [first, "ALTER TABLE timer ADD COLUMN due TEXT"]) == 2
    with engine.connect() as conn:
        assert "due" in [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(timer)")]


def test_components_have_independent_versions(engine: Engine) -> None:
    """Each component counts its own versions in schema_migrations."""
    apply_migrations(engine, "a", ["CREATE TABLE a (x INTEGER)", "CREATE TABLE a2 (x INTEGER)"])
    apply_migrations(engine, "b", ["CREATE TABLE b (x INTEGER)"])
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT component, max(version) FROM schema_migrations "
                "WHERE component IN ('a', 'b') GROUP BY component"
            )
        ).all()
    assert sorted(tuple(r) for r in rows) == [("a", 2), ("b", 1)]


def test_callable_migration_and_failed_step_rolls_back(engine: Engine) -> None:
    """A failing step leaves neither its changes nor its version recorded."""

    def broken(conn: Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half (x INTEGER)")
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        apply_migrations(engine, "c", [broken])
    with engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'half'").scalar()
            == 0
        )
    assert apply_migrations(engine, "c", []) == 0


def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    """While another connection holds the write lock, store reads still answer at once."""
    config = Config(data_dir=tmp_path)
    engine = create_store_engine(config, busy_timeout_ms=0)
    store = SqlIntakeStore(engine)
    store.add(b"listed\r\n", Channel.SMTP, Envelope())
    writer = sqlite3.connect(sqlite_path(config), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert [r.id for r in store.list()] == [1] and store.raw(1) == b"listed\r\n"
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()


def test_writes_wait_for_the_lock_then_fail(tmp_path: Path) -> None:
    """A write while another connection holds the lock fails after busy_timeout, not silently."""
    config = Config(data_dir=tmp_path)
    engine = create_store_engine(config, busy_timeout_ms=50)
    store = SqlIntakeStore(engine)
    writer = sqlite3.connect(sqlite_path(config), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            store.add(b"blocked\r\n", Channel.SMTP, Envelope())
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()
