"""The SQL intake store: byte-exact storage, idempotence on sha256, states and paging."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pipeline.clock import ManualClock
from pipeline.config import Config
from pipeline.models import Channel, Envelope, IntakeState
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import Delivery, IntakeNotFound, SqlIntakeStore

START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
ENVELOPE = Envelope(
    peer="192.0.2.10",
    helo="mx.reporter.example",
    mail_from="fbl@reporter.example",
    rcpt_to=("abuse@example.net",),
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(Config(data_dir=tmp_path))
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> SqlIntakeStore:
    return SqlIntakeStore(engine, clock)


def test_add_keeps_bytes_hash_and_envelope(store: SqlIntakeStore) -> None:
    """A stored report keeps its exact bytes, sha256, size, envelope and received time."""
    raw = b"Subject: spam\r\n\r\n\x00\xff binary-safe\r\n"
    record, created = store.add(raw, Channel.SMTP, ENVELOPE)
    assert created and store.raw(record.id) == raw
    assert (record.sha256, record.size) == (hashlib.sha256(raw).hexdigest(), len(raw))
    assert store.get(record.id) == record
    assert (record.envelope, record.received_at, record.state) == (
        ENVELOPE,
        START,
        IntakeState.RECEIVED,
    )


def test_identical_bytes_are_recorded_once(store: SqlIntakeStore) -> None:
    """Re-adding the same bytes returns the existing record with created=False."""
    first, _ = store.add(b"same report\r\n", Channel.SMTP, ENVELOPE)
    again, created = store.add(b"same report\r\n", Channel.KAFKA, Envelope())
    assert (again, created) == (first, False)
    assert len(store.list()) == 1


def test_duplicates_inside_one_batch_are_recorded_once(store: SqlIntakeStore) -> None:
    """A group commit holding the same bytes twice stores one record for both."""
    delivery = Delivery(b"twice\r\n", Channel.SMTP, ENVELOPE)
    (one, created_one), (two, created_two) = store.add_many([delivery, delivery])
    assert (one.id, created_one, created_two) == (two.id, True, False)


def test_received_at_comes_from_the_clock_in_utc(store: SqlIntakeStore, clock: ManualClock) -> None:
    """received_at is the injected clock's time, returned timezone-aware in UTC."""
    clock.advance(timedelta(hours=48))
    record, _ = store.add(b"late\r\n", Channel.SMTP, ENVELOPE)
    assert store.get(record.id).received_at == START + timedelta(hours=48)


def test_set_state_records_the_reason(store: SqlIntakeStore) -> None:
    """Quarantining a report keeps the reason beside the new state."""
    record, _ = store.add(b"garbage", Channel.SMTP, ENVELOPE)
    store.set_state(record.id, IntakeState.QUARANTINED, error="no parseable MIME structure")
    got = store.get(record.id)
    assert (got.state, got.error) == (IntakeState.QUARANTINED, "no parseable MIME structure")


def test_list_filters_by_state_and_pages_by_id(store: SqlIntakeStore) -> None:
    """list() returns records in id order, filtered by state, after a given id, up to a limit."""
    ids = [store.add(f"report {n}\r\n".encode(), Channel.SMTP, ENVELOPE)[0].id for n in range(5)]
    store.set_state(ids[1], IntakeState.PARSED)
    assert [r.id for r in store.list(state=IntakeState.RECEIVED)] == [ids[0], *ids[2:]]
    assert [r.id for r in store.list(after_id=ids[1], limit=2)] == ids[2:4]


def test_unknown_id_raises_not_found(store: SqlIntakeStore) -> None:
    """get, raw and set_state on an id that does not exist raise IntakeNotFound."""
    for call in (
        lambda: store.get(99),
        lambda: store.raw(99),
        lambda: store.set_state(99, IntakeState.DONE),
    ):
        with pytest.raises(IntakeNotFound):
            call()


def test_records_survive_a_new_engine(tmp_path: Path, store: SqlIntakeStore) -> None:
    """What one engine committed is read back by a fresh engine on the same file."""
    record, _ = store.add(b"durable\r\n", Channel.LMTP, ENVELOPE)
    other = create_store_engine(Config(data_dir=tmp_path))
    try:
        assert SqlIntakeStore(other).get(record.id) == record
    finally:
        other.dispose()
