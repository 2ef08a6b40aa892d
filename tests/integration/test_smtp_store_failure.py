"""When the store cannot write, the sender is told to retry (451) and nothing is lost."""

from __future__ import annotations

import smtplib
import sqlite3
from pathlib import Path

import pytest

from pipeline.store.engine import sqlite_path
from tests.support.mailbox import MailboxServer, mailbox_config

pytestmark = pytest.mark.integration

REPORT = b"Subject: DDoS from 192.0.2.77\r\n\r\nflow records attached.\r\n"


def deliver(port: int) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.ehlo()
        client.mail("r@reporter.example")
        client.rcpt("abuse@example.net")
        return client.data(REPORT)


def test_locked_store_gets_451_and_the_retry_is_stored(tmp_path: Path) -> None:
    """With the database locked by another writer the client gets 451 4.3.0; after, 250."""
    config = mailbox_config(tmp_path)
    config = config.model_copy(
        update={"store": config.store.model_copy(update={"busy_timeout_ms": 100})}
    )
    with MailboxServer(config) as server:
        blocker = sqlite3.connect(sqlite_path(config), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            code, text = deliver(server.port)
        finally:
            blocker.rollback()
            blocker.close()
        assert (code, text[:5]) == (451, b"4.3.0")
        assert deliver(server.port)[0] == 250
        assert server.store.raw(server.store.list()[0].id) == REPORT
