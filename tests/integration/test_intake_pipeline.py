"""From the abuse mailbox to a parsed report: real SMTP in, the intake runner in the service."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.models import IntakeState
from pipeline.store.reports import ReportStore
from tests.support.mailbox import MailboxServer

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
#: Seconds the runner gets to finish a pass (its first pass also loads the classifier).
RUNNER_DEADLINE = 60.0


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[MailboxServer]:
    config = Config.model_validate(
        {
            "data_dir": tmp_path,
            "smtp": {"port": 0},
            "api": {"enabled": False},
            "worker": {"enabled": True, "poll_interval": 0.1},
        }
    )
    with MailboxServer(config) as server:
        yield server


def _send(port: int, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.sendmail("fbl@reporter.test", ["abuse@example.net"], raw)


def _wait_until_done(mailbox: MailboxServer, count: int) -> None:
    deadline = time.monotonic() + RUNNER_DEADLINE
    while time.monotonic() < deadline:
        if not mailbox.store.list(IntakeState.RECEIVED) and len(mailbox.store.list()) == count:
            return
        time.sleep(0.1)
    raise AssertionError("intake runner did not finish in time")


def test_mailed_report_is_parsed_and_garbage_quarantined(mailbox: MailboxServer) -> None:
    """A report mailed in ends parsed with its offenders; an unparseable one ends quarantined."""
    sample = CORPUS / "abuseio-notifier-samples/feedback-loop/Comcast_example_1.eml"
    # The sample is stored with bare LF; on the wire an MTA sends CRLF.
    report = sample.read_bytes().replace(b"\n", b"\r\n")
    garbage = b"\x00\xff\xfe binary junk, no header at all\r\n"
    _send(mailbox.port, report)
    _send(mailbox.port, garbage)
    _wait_until_done(mailbox, 2)
    first, second = mailbox.store.list()
    assert first.state is IntakeState.PARSED
    parsed = ReportStore(mailbox.store_engine).get(first.id)
    assert parsed is not None and parsed.format == "arf"
    assert second.state is IntakeState.QUARANTINED
    assert second.error
    assert mailbox.store.raw(second.id) == garbage
