"""The mailbox's protocol limits over real SMTP: size, recipients, lines, commands, idle time."""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

import pytest

from tests.support.mailbox import MailboxServer, RawSession, mailbox_config

pytestmark = pytest.mark.integration

BODY = b"Subject: report\r\n\r\nspam from 192.0.2.45\r\n"
#: Every end-of-data look-alike an SMTP smuggling attack uses (bare CR or LF around the dot).
SMUGGLING = [b"\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n.\n", b"\r.\n", b"\r\n.\r"]


def open_transaction(session: RawSession, rcpt: str = "abuse@example.net") -> None:
    assert session.command("EHLO mx.reporter.example").startswith("250")
    assert session.command("MAIL FROM:<r@reporter.example>").startswith("250")
    assert session.command(f"RCPT TO:<{rcpt}>").startswith("250")
    assert session.command("DATA").startswith("354")


def test_size_is_advertised_and_oversize_mail_from_refused(tmp_path: Path) -> None:
    """EHLO advertises SIZE, and a MAIL FROM declaring more gets 552 5.3.4."""
    config = mailbox_config(tmp_path, max_message_size=1000)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        assert "250-SIZE 1000" in session.command("EHLO mx.reporter.example")
        assert session.command("MAIL FROM:<r@reporter.example> SIZE=5000").startswith("552 5.3.4")


def test_oversize_data_is_refused_and_not_stored(tmp_path: Path) -> None:
    """A message over the limit without a SIZE declaration is refused after DATA with 552 5.3.4."""
    with MailboxServer(mailbox_config(tmp_path, max_message_size=1000)) as server:
        with smtplib.SMTP("127.0.0.1", server.port) as client:
            client.ehlo()
            client.mail("r@reporter.example")
            client.rcpt("abuse@example.net")
            code, text = client.data(BODY + (b"x" * 80 + b"\r\n") * 20)
        assert (code, text[:5]) == (552, b"5.3.4")
        assert server.store.list() == []


def test_too_many_recipients_are_deferred(tmp_path: Path) -> None:
    """Recipients beyond smtp.max_recipients get 452 4.5.3 so the client sends them later."""
    addresses = ["abuse@example.net", "abuse@localhost"]
    config = mailbox_config(tmp_path, max_recipients=1)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        session.command("EHLO mx.reporter.example")
        session.command("MAIL FROM:<r@reporter.example>")
        replies = [session.command(f"RCPT TO:<{a}>") for a in addresses]
    assert replies[0].startswith("250") and replies[1].startswith("452 4.5.3")


@pytest.mark.parametrize("sequence", SMUGGLING, ids=repr)
def test_smuggling_sequence_is_refused(tmp_path: Path, sequence: bytes) -> None:
    """A bare CR/LF end-of-data look-alike refuses the whole message with 554 5.6.0."""
    smuggled = b"MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<abuse@example.net>\r\nDATA\r\nfake\r\n"
    with MailboxServer(mailbox_config(tmp_path)) as server, RawSession(server.port) as session:
        open_transaction(session)
        session.send(BODY + sequence + smuggled + b".\r\n")
        assert session.reply().startswith("554 5.6.0")
        assert session.command("NOOP").startswith("250")
        assert server.store.list() == []


def test_line_of_exactly_1000_octets_is_accepted(tmp_path: Path) -> None:
    """A 998-character line plus CRLF is the RFC 5321 maximum and is stored."""
    with MailboxServer(mailbox_config(tmp_path)) as server, RawSession(server.port) as session:
        open_transaction(session)
        session.send(b"Subject: long\r\n\r\n" + b"a" * 998 + b"\r\n.\r\n")
        assert session.reply().startswith("250 2.0.0")


def test_line_over_1000_octets_is_refused(tmp_path: Path) -> None:
    """A data line longer than RFC 5321's 1000 octets gets 500 5.5.2 and is not stored."""
    with MailboxServer(mailbox_config(tmp_path)) as server, RawSession(server.port) as session:
        open_transaction(session)
        session.send(b"Subject: long\r\n\r\n" + b"a" * 1100 + b"\r\n.\r\n")
        assert session.reply().startswith("500 5.5.2")
        assert server.store.list() == []


def test_command_budget_closes_the_session(tmp_path: Path) -> None:
    """Past smtp.max_commands the session gets 421 4.7.0 and is closed."""
    config = mailbox_config(tmp_path, max_commands=3)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        replies = [session.command("NOOP") for _ in range(4)]
        assert replies[:3] == ["250 OK"] * 3 and replies[3].startswith("421 4.7.0")
        assert session.reply() == ""


def test_idle_session_is_closed_with_421(tmp_path: Path) -> None:
    """A client silent past smtp.idle_timeout gets 421 4.4.2 and the connection closes."""
    config = mailbox_config(tmp_path, idle_timeout=0.3)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        assert session.reply().startswith("421 4.4.2")
        assert session.reply() == ""


def test_activity_postpones_the_idle_timeout(tmp_path: Path) -> None:
    """Commands keep a session open past smtp.idle_timeout; silence afterwards still gets 421."""
    config = mailbox_config(tmp_path, idle_timeout=0.3)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        for _ in range(12):
            time.sleep(0.05)
            assert session.command("NOOP") == "250 OK"
        assert session.reply().startswith("421 4.4.2")
