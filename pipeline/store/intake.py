"""The intake store: every raw report exactly as it arrived, before anything parses it.

``IntakeStore`` is the interface later stages and a PostgreSQL implementation code against;
``SqlIntakeStore`` implements it with SQLAlchemy Core, so SQLite and PostgreSQL share it. A
report is identified by the sha256 of its raw bytes: a re-delivery of the same bytes (an MTA
retrying after a lost ``250``, a Kafka redelivery) returns the record already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, Row

from pipeline.clock import Clock, SystemClock
from pipeline.models import Channel, Envelope, IntakeRecord, IntakeState
from pipeline.store.engine import Migration, apply_migrations, read_only
from pipeline.store.sqlite_batch import SqliteBatch

COMPONENT = "intake"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message handed to the store: its raw bytes and how it reached us."""

    raw: bytes
    channel: Channel
    envelope: Envelope


class IntakeNotFound(LookupError):
    """No intake record has that id."""


class IntakeStore(Protocol):
    """What listeners and later stages need from durable intake, whatever the database."""

    def add(self, raw: bytes, channel: Channel, envelope: Envelope) -> tuple[IntakeRecord, bool]:
        """Store one report; ``created`` is False when identical bytes were stored before."""
        ...

    def add_many(self, deliveries: Sequence[Delivery]) -> list[tuple[IntakeRecord, bool]]:
        """Store several reports in ONE transaction (group commit), results in input order."""
        ...

    def get(self, intake_id: int) -> IntakeRecord:
        """The record with that id; raises IntakeNotFound."""
        ...

    def raw(self, intake_id: int) -> bytes:
        """The report's bytes exactly as received; raises IntakeNotFound."""
        ...

    def list(
        self, state: IntakeState | None = None, limit: int = 100, after_id: int = 0
    ) -> list[IntakeRecord]:
        """Records with id above ``after_id`` in id order, optionally only in one state."""
        ...

    def set_state(self, intake_id: int, state: IntakeState, error: str | None = None) -> None:
        """Move a record to ``state`` (``error`` says why, e.g. for quarantine)."""
        ...


_meta = MetaData()
intake_table = Table(
    "intake",
    _meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),
    Column("peer", Text),
    Column("helo", Text),
    Column("mail_from", Text),
    #: JSON array of the envelope recipients.
    Column("rcpt_to", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("error", Text),
    Column("raw", LargeBinary, nullable=False),
)


def _create_intake(conn: Connection) -> None:
    _meta.create_all(conn, tables=[intake_table])


MIGRATIONS: tuple[Migration, ...] = (_create_intake,)

_RECORD_COLUMNS = [c for c in intake_table.c if c.name != "raw"]
# Built once, not per call: the group-commit path runs them for every batch.
_KNOWN = select(*_RECORD_COLUMNS).where(
    intake_table.c.sha256.in_(bindparam("digests", expanding=True))
)
_INSERT = insert(intake_table)
_IDS = select(intake_table.c.sha256, intake_table.c.id).where(
    intake_table.c.sha256.in_(bindparam("digests", expanding=True))
)


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class _Batch(Protocol):
    """The statements of one group commit, inside its transaction."""

    def known(self, digests: Sequence[str]) -> Iterable[Mapping[str, Any]]: ...

    def insert(self, rows: Iterable[Mapping[str, Any]]) -> None: ...

    def ids(self, digests: Sequence[str]) -> Iterable[tuple[str, int]]: ...


class _CoreBatch:
    """A group commit through SQLAlchemy Core: every dialect (PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def known(self, digests: Sequence[str]) -> Iterable[Mapping[str, Any]]:
        return [row._asdict() for row in self._conn.execute(_KNOWN, {"digests": digests})]

    def insert(self, rows: Iterable[Mapping[str, Any]]) -> None:
        # executemany without RETURNING is one driver call on every dialect; ordered
        # RETURNING would fall back to one INSERT per row on SQLite.
        self._conn.execute(_INSERT, list(rows))

    def ids(self, digests: Sequence[str]) -> Iterable[tuple[str, int]]:
        return [(d, i) for d, i in self._conn.execute(_IDS, {"digests": digests})]


class SqlIntakeStore:
    """``IntakeStore`` on SQLAlchemy Core (SQLite embedded, PostgreSQL by URL)."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self._engine = engine
        self._reader = read_only(engine)
        self._clock = clock or SystemClock()
        apply_migrations(engine, COMPONENT, MIGRATIONS)
        # SQLite (the embedded default) takes the listener's batches through its driver.
        self._sqlite = (
            SqliteBatch(engine, intake_table, _RECORD_COLUMNS)
            if engine.dialect.name == "sqlite"
            else None
        )

    def add(self, raw: bytes, channel: Channel, envelope: Envelope) -> tuple[IntakeRecord, bool]:
        return self.add_many([Delivery(raw, channel, envelope)])[0]

    def add_many(self, deliveries: Sequence[Delivery]) -> list[tuple[IntakeRecord, bool]]:
        # One SELECT for the batch's known hashes and one multi-row INSERT for the new ones:
        # per-row statements cost more than the commit itself.
        digests = [sha256_hex(d.raw) for d in deliveries]
        with self._batch() as batch:
            known = {
                values["sha256"]: _record_from(values["id"], values)
                for values in batch.known(list(set(digests)))
            }
            fresh: dict[str, dict[str, Any]] = {}
            for delivery, digest in zip(deliveries, digests, strict=True):
                if digest not in known and digest not in fresh:
                    fresh[digest] = self._row(delivery, digest)
            if fresh:
                batch.insert(fresh.values())
                for digest, intake_id in batch.ids(list(fresh)):
                    known[digest] = _record_from(intake_id, fresh[digest])
        results: list[tuple[IntakeRecord, bool]] = []
        for digest in digests:
            created = digest in fresh
            results.append((known[digest], created))
            fresh.pop(digest, None)  # a second copy in the same batch is a duplicate
        return results

    @contextmanager
    def _batch(self) -> Iterator[_Batch]:
        if self._sqlite is not None:
            with self._sqlite.transaction() as batch:
                yield batch
        else:
            with self._engine.begin() as conn:
                yield _CoreBatch(conn)

    def _row(self, delivery: Delivery, digest: str) -> dict[str, Any]:
        env = delivery.envelope
        return {
            "sha256": digest,
            "channel": delivery.channel.value,
            "peer": env.peer,
            "helo": env.helo,
            "mail_from": env.mail_from,
            "rcpt_to": json.dumps(list(env.rcpt_to)),
            "received_at": self._clock.now().astimezone(UTC),
            "size": len(delivery.raw),
            "state": IntakeState.RECEIVED.value,
            "error": None,
            "raw": delivery.raw,
        }

    def get(self, intake_id: int) -> IntakeRecord:
        with self._reader.connect() as conn:
            row = conn.execute(
                select(*_RECORD_COLUMNS).where(intake_table.c.id == intake_id)
            ).first()
        if row is None:
            raise IntakeNotFound(intake_id)
        return _record(row)

    def raw(self, intake_id: int) -> bytes:
        with self._reader.connect() as conn:
            found = conn.execute(
                select(intake_table.c.raw).where(intake_table.c.id == intake_id)
            ).scalar_one_or_none()
        if found is None:
            raise IntakeNotFound(intake_id)
        return bytes(found)

    def list(
        self, state: IntakeState | None = None, limit: int = 100, after_id: int = 0
    ) -> list[IntakeRecord]:
        query = (
            select(*_RECORD_COLUMNS)
            .where(intake_table.c.id > after_id)
            .order_by(intake_table.c.id)
            .limit(limit)
        )
        if state is not None:
            query = query.where(intake_table.c.state == state.value)
        with self._reader.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def set_state(self, intake_id: int, state: IntakeState, error: str | None = None) -> None:
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(intake_table)
                .where(intake_table.c.id == intake_id)
                .values(state=state.value, error=error)
            ).rowcount
        if changed == 0:
            raise IntakeNotFound(intake_id)


def _utc(value: datetime) -> datetime:
    # SQLite keeps no zone; every value written is UTC, so the zone is restored on read.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record_from(intake_id: int, values: Mapping[str, Any]) -> IntakeRecord:
    return IntakeRecord(
        id=intake_id,
        sha256=values["sha256"],
        channel=Channel(values["channel"]),
        envelope=Envelope(
            peer=values["peer"],
            helo=values["helo"],
            mail_from=values["mail_from"],
            rcpt_to=tuple(json.loads(values["rcpt_to"])),
        ),
        received_at=_utc(values["received_at"]),
        size=values["size"],
        state=IntakeState(values["state"]),
        error=values["error"],
    )


def _record(row: Row[Any]) -> IntakeRecord:
    values = row._asdict()
    return _record_from(values.pop("id"), values)
