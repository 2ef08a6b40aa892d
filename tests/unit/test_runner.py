"""The intake runner takes received reports through parse and classify, quarantining failures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pipeline.config import Config, load_config
from pipeline.models import Channel, Envelope, IntakeState
from pipeline.runner import IntakeRunner
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import SqlIntakeStore
from pipeline.store.reports import ReportStore

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
ENVELOPE = Envelope(peer="192.0.2.25", helo="mx.reporter.test", mail_from="fbl@reporter.test",
                    rcpt_to=("abuse@example.net",))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(data_dir=tmp_path, environ={})


@pytest.fixture
def engine(config: Config) -> Iterator[Engine]:
    engine = create_store_engine(config)
    yield engine
    engine.dispose()


def test_report_is_parsed_and_classified(config: Config, engine: Engine) -> None:
    """A feedback-loop report ends parsed, with its format, category and offenders stored."""
    intake = SqlIntakeStore(engine)
    raw = (CORPUS / "abuseio-notifier-samples/feedback-loop/AOL_example_1.eml").read_bytes()
    record, _ = intake.add(raw, Channel.SMTP, ENVELOPE)
    summary = IntakeRunner(engine, config).run_pass()
    assert summary.parsed == 1
    assert intake.get(record.id).state is IntakeState.PARSED
    stored = ReportStore(engine).get(record.id)
    assert stored is not None
    assert stored.format == "arf"
    assert stored.classification is not None and stored.classification.label == "spam"


def test_unparseable_report_is_quarantined_with_reason(config: Config, engine: Engine) -> None:
    """A message that cannot be parsed is quarantined with the reason and its raw bytes kept."""
    intake = SqlIntakeStore(engine)
    raw = b"\x00\x01\x02 not a mail at all"
    record, _ = intake.add(raw, Channel.SMTP, ENVELOPE)
    summary = IntakeRunner(engine, config).run_pass()
    assert summary.quarantined == 1
    stored = intake.get(record.id)
    assert stored.state is IntakeState.QUARANTINED
    assert stored.error
    assert intake.raw(record.id) == raw


def test_second_pass_leaves_finished_reports_alone(config: Config, engine: Engine) -> None:
    """A report already parsed is not taken again: a pass works only on received reports."""
    intake = SqlIntakeStore(engine)
    raw = (CORPUS / "abuseio-notifier-samples/feedback-loop/Yahoo_example_1.eml").read_bytes()
    intake.add(raw, Channel.SMTP, ENVELOPE)
    runner = IntakeRunner(engine, config)
    runner.run_pass()
    assert runner.run_pass().parsed == 0
