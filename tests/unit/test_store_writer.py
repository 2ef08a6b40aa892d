"""The intake writer thread: group commit, futures resolved only after commit, clean close."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pipeline.config import Config
from pipeline.models import Channel, Envelope, IntakeRecord
from pipeline.store.engine import create_store_engine, sqlite_path
from pipeline.store.intake import Delivery, SqlIntakeStore
from pipeline.store.writer import IntakeWriter, WriterClosed

ENVELOPE = Envelope(peer="192.0.2.10", rcpt_to=("abuse@example.net",))


class GatedStore(SqlIntakeStore):
    """The real store, whose first commit waits for a gate so later messages queue up."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.batches: list[int] = []

    def add_many(self, deliveries: Sequence[Delivery]) -> list[tuple[IntakeRecord, bool]]:
        self.entered.set()
        self.gate.wait(10)
        self.batches.append(len(deliveries))
        return super().add_many(deliveries)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(Config(data_dir=tmp_path), busy_timeout_ms=50)
    yield engine
    engine.dispose()


async def test_queued_messages_commit_in_one_transaction(engine: Engine) -> None:
    """Messages arriving while a commit runs are committed together in the next one."""
    store = GatedStore(engine)
    writer = IntakeWriter(store)
    first = writer.submit_nowait(b"first\r\n", Channel.SMTP, ENVELOPE)
    await asyncio.to_thread(store.entered.wait, 10)
    rest = [writer.submit_nowait(f"n{n}\r\n".encode(), Channel.SMTP, ENVELOPE) for n in range(30)]
    store.gate.set()
    results = await asyncio.gather(*(asyncio.wrap_future(f) for f in [first, *rest]))
    writer.close()
    assert store.batches == [1, 30]
    assert [record.id for record, _ in results] == list(range(1, 32))


async def test_future_resolves_only_after_commit(engine: Engine) -> None:
    """A submission is not answered while its transaction has not committed."""
    store = GatedStore(engine)
    writer = IntakeWriter(store)
    pending = writer.submit_nowait(b"wait for it\r\n", Channel.SMTP, ENVELOPE)
    await asyncio.to_thread(store.entered.wait, 10)
    await asyncio.sleep(0.05)
    assert not pending.done()
    store.gate.set()
    record, created = await asyncio.wrap_future(pending)
    writer.close()
    assert created and SqlIntakeStore(engine).raw(record.id) == b"wait for it\r\n"


async def test_failed_commit_fails_every_waiting_session(tmp_path: Path, engine: Engine) -> None:
    """When the database is locked elsewhere every message of the batch gets the error."""
    writer = IntakeWriter(SqlIntakeStore(engine))
    blocker = sqlite3.connect(sqlite_path(Config(data_dir=tmp_path)), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(Exception, match="locked"):
            await writer.submit(b"locked out\r\n", Channel.SMTP, ENVELOPE)
    finally:
        blocker.rollback()
        blocker.close()
    record, created = await writer.submit(b"locked out\r\n", Channel.SMTP, ENVELOPE)
    writer.close()
    assert created and record.id == 1


def test_close_commits_what_is_queued_then_refuses(engine: Engine) -> None:
    """close() commits messages already queued, and later submissions raise WriterClosed."""
    writer = IntakeWriter(SqlIntakeStore(engine))
    queued = [writer.submit_nowait(f"q{n}\r\n".encode(), Channel.SMTP, ENVELOPE) for n in range(5)]
    writer.close()
    assert all(f.result(0)[1] for f in queued)
    with pytest.raises(WriterClosed):
        writer.submit_nowait(b"late\r\n", Channel.SMTP, ENVELOPE)
