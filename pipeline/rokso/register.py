"""The versioned ROKSO register in the service's database (SQLAlchemy Core: SQLite or PostgreSQL).

Every import that changes anything becomes a new version holding the whole register, with a
diff summary against the version before. Keeping full snapshots (a register is hundreds of
records) means any past decision can be re-read against the exact register it was made with.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from pipeline.clock import Clock, SystemClock
from pipeline.rokso.match import RoksoIndex
from pipeline.rokso.models import ImportDiff, ImportOutcome, RegisterVersion, RoksoRecord
from pipeline.store.engine import Migration, apply_migrations

log = logging.getLogger(__name__)

#: The component name under which the register's schema versions are recorded.
COMPONENT = "rokso"

_meta = MetaData()
rokso_versions = Table(
    "rokso_versions",
    _meta,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("source", String(512), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("record_count", Integer, nullable=False),
    #: JSON: {"added": [...], "removed": [...], "changed": [...]}.
    Column("diff", Text, nullable=False),
)
rokso_records = Table(
    "rokso_records",
    _meta,
    Column("version", Integer, ForeignKey("rokso_versions.version"), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    #: JSON of ``RoksoRecord.to_json()``.
    Column("data", Text, nullable=False),
)


def _create_tables(conn: Connection) -> None:
    _meta.create_all(conn, tables=[rokso_versions, rokso_records])


MIGRATIONS: tuple[Migration, ...] = (_create_tables,)


class ConcurrentImport(Exception):
    """Another import stored the same version number first; nothing was stored, retry."""


def diff_records(before: Sequence[RoksoRecord], after: Sequence[RoksoRecord]) -> ImportDiff:
    """Which record ids ``after`` adds, removes and changes relative to ``before``."""
    old = {r.record_id: r for r in before}
    new = {r.record_id: r for r in after}
    return ImportDiff(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(sorted(k for k in new.keys() & old.keys() if new[k] != old[k])),
    )


class RoksoRegister:
    """Reads and imports register versions; ``index()`` serves look-ups of the current one."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        refresh_seconds: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``refresh_seconds``: how long ``index()`` trusts its cached version before asking the
        database again (0 = every call). The API sets a few seconds: an import shows up that
        much later, and look-ups do not touch the database (and its write lock) each time."""
        self._engine = engine
        self._clock = clock or SystemClock()
        self._refresh = refresh_seconds
        self._monotonic = monotonic
        self._index: RoksoIndex | None = None
        self._index_current: RegisterVersion | None = None
        self._index_checked = -math.inf

    def migrate(self) -> None:
        """Create or upgrade the register's tables (idempotent)."""
        apply_migrations(self._engine, COMPONENT, MIGRATIONS)

    def import_records(
        self, records: Sequence[RoksoRecord], *, source: str, sha256: str
    ) -> ImportOutcome:
        """Store ``records`` as the next version unless they equal the current one."""
        try:
            return self._import(records, source=source, sha256=sha256)
        except IntegrityError:
            # Two imports raced for the same version (possible on PostgreSQL; SQLite's
            # BEGIN IMMEDIATE serialises them): the loser stores nothing.
            raise ConcurrentImport("another import ran at the same time; run it again") from None

    def _import(self, records: Sequence[RoksoRecord], *, source: str, sha256: str) -> ImportOutcome:
        with self._engine.begin() as conn:
            current = self._current(conn)
            previous = self._records(conn, current.version) if current else ()
            diff = diff_records(previous, records)
            if current is not None and diff.unchanged:
                log.info(
                    "rokso import unchanged",
                    extra={"fields": {"version": current.version, "source": source}},
                )
                return ImportOutcome(version=current, created=False)
            version = RegisterVersion(
                version=(current.version if current else 0) + 1,
                imported_at=self._clock.now(),
                source=source[:512],
                sha256=sha256,
                record_count=len(records),
                diff=diff,
            )
            conn.execute(
                insert(rokso_versions).values(
                    version=version.version,
                    imported_at=version.imported_at,
                    source=version.source,
                    sha256=sha256,
                    record_count=version.record_count,
                    diff=json.dumps(diff.to_json()),
                )
            )
            conn.execute(
                insert(rokso_records),
                [
                    {
                        "version": version.version,
                        "record_id": r.record_id,
                        "data": json.dumps(r.to_json()),
                    }
                    for r in records
                ],
            )
        log.info(
            "rokso import stored",
            extra={"fields": {"version": version.version, "source": source, **diff.to_json()}},
        )
        return ImportOutcome(version=version, created=True)

    def current(self) -> RegisterVersion | None:
        """The version in force, or ``None`` before the first import."""
        with self._engine.connect() as conn:
            return self._current(conn)

    def versions(self) -> tuple[RegisterVersion, ...]:
        """Every imported version, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(rokso_versions).order_by(rokso_versions.c.version))
            return tuple(_version(row._mapping) for row in rows)

    def records(self, version: int | None = None) -> tuple[RoksoRecord, ...]:
        """The records of ``version`` (default: the current one), by record id."""
        with self._engine.connect() as conn:
            if version is None:
                current = self._current(conn)
                if current is None:
                    return ()
                version = current.version
            return self._records(conn, version)

    def record(self, record_id: str) -> RoksoRecord | None:
        """One record of the current version, or ``None``."""
        with self._engine.connect() as conn:
            latest = select(func.max(rokso_versions.c.version)).scalar_subquery()
            row = conn.execute(
                select(rokso_records.c.data).where(
                    rokso_records.c.version == latest,
                    rokso_records.c.record_id == record_id.upper(),
                )
            ).first()
        return None if row is None else RoksoRecord.from_json(json.loads(row.data))

    def index(self) -> tuple[RegisterVersion | None, RoksoIndex]:
        """The current version and a matching index over it, rebuilt only when it changed."""
        now = self._monotonic()
        if self._index is not None and now - self._index_checked < self._refresh:
            return self._index_current, self._index
        with self._engine.connect() as conn:
            current = self._current(conn)
            wanted = current.version if current else None
            cached = self._index_current.version if self._index_current else None
            if self._index is None or cached != wanted:
                records = self._records(conn, wanted) if wanted is not None else ()
                self._index = RoksoIndex(records)
            self._index_current = current
        self._index_checked = now
        return current, self._index

    @staticmethod
    def _current(conn: Connection) -> RegisterVersion | None:
        row = conn.execute(
            select(rokso_versions).order_by(rokso_versions.c.version.desc()).limit(1)
        ).first()
        return None if row is None else _version(row._mapping)

    @staticmethod
    def _records(conn: Connection, version: int) -> tuple[RoksoRecord, ...]:
        rows = conn.execute(
            select(rokso_records.c.data)
            .where(rokso_records.c.version == version)
            .order_by(rokso_records.c.record_id)
        )
        return tuple(RoksoRecord.from_json(json.loads(row.data)) for row in rows)


def _version(data: RowMapping) -> RegisterVersion:
    imported_at: datetime = data["imported_at"]
    if imported_at.tzinfo is None:
        # SQLite keeps no zone; every time written here is UTC (the Clock contract).
        imported_at = imported_at.replace(tzinfo=UTC)
    diff = json.loads(data["diff"])
    return RegisterVersion(
        version=data["version"],
        imported_at=imported_at,
        source=data["source"],
        sha256=data["sha256"],
        record_count=data["record_count"],
        diff=ImportDiff(
            added=tuple(diff["added"]),
            removed=tuple(diff["removed"]),
            changed=tuple(diff["changed"]),
        ),
    )
