"""`abuse-pipeline intake list|show` over a real store in a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import Config
from pipeline.models import Channel, Envelope, IntakeState
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import SqlIntakeStore

RAW = b"Subject: phishing kit on 198.51.100.7\r\n\r\nhttp://198.51.100.7/login\r\n"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    engine = create_store_engine(Config(data_dir=tmp_path))
    store = SqlIntakeStore(engine)
    store.add(
        RAW,
        Channel.SMTP,
        Envelope(peer="192.0.2.1", mail_from="r@reporter.example", rcpt_to=("abuse@example.net",)),
    )
    record, _ = store.add(b"second\r\n", Channel.KAFKA, Envelope())
    store.set_state(record.id, IntakeState.QUARANTINED, "not a report")
    engine.dispose()
    return tmp_path


def test_list_jsonl_prints_one_object_per_record(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`intake list --jsonl` prints each record's metadata as one JSON line, oldest first."""
    assert main(["intake", "list", "--jsonl", "--data-dir", str(data_dir)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["channel"], r["state"]) for r in rows] == [
        (1, "smtp", "received"),
        (2, "kafka", "quarantined"),
    ]
    assert rows[0]["rcpt_to"] == ["abuse@example.net"] and rows[0]["size"] == len(RAW)


def test_list_filters_by_state(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--state quarantined` lists only quarantined reports."""
    main(["intake", "list", "--state", "quarantined", "--data-dir", str(data_dir)])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "quarantined" in out[0]


def test_show_raw_writes_the_exact_bytes(
    data_dir: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """`intake show ID --raw` writes the stored message byte for byte."""
    assert main(["intake", "show", "1", "--raw", "--data-dir", str(data_dir)]) == 0
    assert capfdbinary.readouterr().out == RAW


def test_show_unknown_id_fails_with_a_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`intake show` of a missing id exits 1 and says which id."""
    assert main(["intake", "show", "42", "--data-dir", str(data_dir)]) == 1
    assert "no report with id 42" in capsys.readouterr().err


def test_missing_store_is_reported_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing a data directory without a store exits 2 naming data_dir, creating nothing."""
    assert main(["intake", "list", "--data-dir", str(tmp_path / "typo")]) == 2
    assert "data_dir" in capsys.readouterr().err and not (tmp_path / "typo").exists()
