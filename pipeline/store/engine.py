"""The one database the service writes to, and the versioned migrations every part uses.

The embedded default is a SQLite file under the data directory. It runs in WAL mode with
``synchronous=FULL`` because the SMTP listener promises a sender that a message is on disk
before it answers ``250``: with ``NORMAL`` a power cut could lose the last commits. PostgreSQL
is selected by ``store.url``; the same SQLAlchemy Core code runs on both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from pipeline.config import Config

#: File name of the embedded database under ``config.data_dir``.
SQLITE_FILE = "abuse.db"

#: Execution option choosing how a SQLite transaction begins (see ``read_only``).
BEGIN_MODE = "sqlite_begin_mode"

#: One step of a component's schema: SQL text (one statement) or a function given the connection.
Migration = str | Callable[[Connection], None]

_meta = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _meta,
    Column("component", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def sqlite_path(config: Config) -> Path:
    """Where the embedded database lives for this configuration."""
    return config.data_dir / SQLITE_FILE


def create_store_engine(config: Config, *, busy_timeout_ms: int | None = None) -> Engine:
    """The engine for ``config``: ``store.url`` if set, else SQLite (WAL, fsync on commit)."""
    if config.store.url is not None:
        return create_engine(config.store.url.get_secret_value(), pool_pre_ping=True)
    timeout = config.store.busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms
    path = sqlite_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        # Sessions hand writes to a dedicated thread, so connections cross threads.
        connect_args={"check_same_thread": False, "timeout": timeout / 1000},
    )
    _configure_sqlite(engine, timeout)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would delay BEGIN; we issue it ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so a busy database waits at BEGIN (up to
        # busy_timeout) instead of failing on a read-to-write upgrade; engines from
        # ``read_only`` begin DEFERRED, which in WAL mode never waits for a writer.
        mode = conn.get_execution_options().get(BEGIN_MODE, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) for reads: on SQLite they do not take the write lock."""
    return engine.execution_options(**{BEGIN_MODE: "DEFERRED"})


def apply_migrations(engine: Engine, component: str, migrations: Sequence[Migration]) -> int:
    """Apply ``component``'s migrations not yet recorded; return the schema version now in force.

    Versions are positions in ``migrations`` counted from 1, so a component only ever appends.
    Each step and its ``schema_migrations`` row commit together: a crash leaves no half step.
    """
    _meta.create_all(engine, tables=[schema_migrations], checkfirst=True)
    for version, step in enumerate(migrations, start=1):
        # Checked inside the step's own (write-locked) transaction, so two processes starting
        # together apply each step once.
        with engine.begin() as conn:
            if _applied(conn, component, version):
                continue
            if isinstance(step, str):
                conn.execute(text(step))
            else:
                step(conn)
            conn.execute(insert(schema_migrations).values(component=component, version=version))
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.max(schema_migrations.c.version), 0)).where(
                    schema_migrations.c.component == component
                )
            ).scalar_one()
        )


def _applied(conn: Connection, component: str, version: int) -> bool:
    found = conn.execute(
        select(schema_migrations.c.version).where(
            schema_migrations.c.component == component, schema_migrations.c.version == version
        )
    ).first()
    return found is not None
