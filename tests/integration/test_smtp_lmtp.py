"""LMTP mode (RFC 2033): delivery from Postfix or Dovecot, one reply per recipient."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest

from pipeline.models import Channel
from tests.support.mailbox import MailboxServer, RawSession, mailbox_config

pytestmark = pytest.mark.integration

REPORT = b"Subject: brute force from 203.0.113.9\r\n\r\nssh login attempts attached.\r\n"


def test_lmtp_delivers_and_records_the_channel(tmp_path: Path) -> None:
    """An LMTP client delivers a report, stored with channel lmtp and its LHLO name."""
    with MailboxServer(mailbox_config(tmp_path, lmtp=True)) as server:
        with smtplib.LMTP("127.0.0.1", server.port, local_hostname="mx.example.net") as client:
            client.sendmail("r@reporter.example", ["abuse@example.net"], REPORT)
        [record] = server.store.list()
    assert (record.channel, record.envelope.helo) == (Channel.LMTP, "mx.example.net")
    assert server.store.raw(record.id) == REPORT


def test_lmtp_answers_each_recipient_after_data(tmp_path: Path) -> None:
    """Two accepted recipients get two replies after the final dot, one each (RFC 2033 §4.2)."""
    config = mailbox_config(tmp_path, lmtp=True)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        assert session.command("LHLO mx.example.net").startswith("250")
        session.command("MAIL FROM:<r@reporter.example>")
        session.command("RCPT TO:<abuse@example.net>")
        session.command("RCPT TO:<abuse@localhost>")
        assert session.command("DATA").startswith("354")
        session.send(REPORT + b".\r\n")
        replies = [session.reply(), session.reply()]
        assert session.command("NOOP").startswith("250")
    assert replies == ["250 2.0.0 Report received, intake id 1"] * 2


def test_lmtp_refuses_smtp_greeting(tmp_path: Path) -> None:
    """In LMTP mode EHLO is not a valid greeting (RFC 2033 §4.1)."""
    config = mailbox_config(tmp_path, lmtp=True)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        assert session.command("EHLO mx.example.net").startswith("500")


def test_lmtp_refusal_is_repeated_per_recipient(tmp_path: Path) -> None:
    """An oversize LMTP message gets one 552 5.3.4 per recipient, keeping the dialogue aligned."""
    config = mailbox_config(tmp_path, lmtp=True, max_message_size=100)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        session.command("LHLO mx.example.net")
        session.command("MAIL FROM:<r@reporter.example>")
        session.command("RCPT TO:<abuse@example.net>")
        session.command("RCPT TO:<abuse@localhost>")
        session.command("DATA")
        session.send(REPORT * 5 + b".\r\n")
        replies = [session.reply(), session.reply()]
        assert session.command("NOOP").startswith("250")
    assert [r[:9] for r in replies] == ["552 5.3.4"] * 2
