"""The abuse mailbox over real SMTP on 127.0.0.1: what it stores and what it refuses."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.models import Channel
from tests.support.mailbox import MailboxServer, RawSession, mailbox_config

pytestmark = pytest.mark.integration

REPORT = (
    b"From: Spam Desk <abuse-reports@reporter.example>\r\n"
    b"To: abuse@example.net\r\n"
    b"Subject: [SPAM] 192.0.2.45 sent unsolicited mail \xe2\x80\x94 please act\r\n"
    b"\r\n"
    b"Our trap received mail from 192.0.2.45.\r\n"
    b".a line that starts with a dot survives transparency\r\n"
    b"Caf\xc3\xa9 8-bit text stays byte-exact.\r\n"
)


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[MailboxServer]:
    with MailboxServer(mailbox_config(tmp_path, accept_domains=["abuse.example.org"])) as server:
        yield server


def send(
    port: int, rcpts: list[str], body: bytes = REPORT, sender: str = "r@reporter.example"
) -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mx1.reporter.example") as client:
        return client.sendmail(sender, rcpts, body)


def test_accepted_report_is_stored_byte_exact_with_its_envelope(mailbox: MailboxServer) -> None:
    """A report to abuse@ is stored with its exact bytes, peer, HELO, MAIL FROM and RCPT TO."""
    send(mailbox.port, ["abuse@example.net"])
    [record] = mailbox.store.list()
    assert mailbox.store.raw(record.id) == REPORT
    assert (record.channel, record.size) == (Channel.SMTP, len(REPORT))
    env = record.envelope
    assert (env.peer, env.helo, env.mail_from) == (
        "127.0.0.1",
        "mx1.reporter.example",
        "r@reporter.example",
    )
    assert env.rcpt_to == ("abuse@example.net",)


def test_reply_names_the_intake_id(mailbox: MailboxServer) -> None:
    """The 250 after DATA carries the intake id the report was stored under."""
    with smtplib.SMTP("127.0.0.1", mailbox.port) as client:
        client.ehlo()
        client.mail("r@reporter.example")
        client.rcpt("abuse@localhost")
        code, text = client.data(REPORT)
    assert (code, text) == (250, b"2.0.0 Report received, intake id 1")


def test_relay_attempt_is_refused(mailbox: MailboxServer) -> None:
    """A recipient outside the accepted addresses and domains gets 550 5.1.1, nothing stored."""
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(mailbox.port, ["victim@elsewhere.example"])
    code, text = refused.value.recipients["victim@elsewhere.example"]
    assert code == 550 and text.startswith(b"5.1.1")
    assert mailbox.store.list() == []


def test_percent_hack_relay_is_refused(mailbox: MailboxServer) -> None:
    """A %-hack address inside an accepted domain is refused: the desk never forwards."""
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(mailbox.port, ["victim%elsewhere.example@abuse.example.org"])


def test_accepted_domain_matches_case_insensitively(mailbox: MailboxServer) -> None:
    """Any local part at an accepted domain is taken, whatever the case of the domain."""
    send(mailbox.port, ["Spamtrap-Reports@ABUSE.Example.ORG"])
    assert mailbox.store.list()[0].envelope.rcpt_to == ("Spamtrap-Reports@ABUSE.Example.ORG",)


def test_only_refused_recipients_stay_out_of_the_envelope(mailbox: MailboxServer) -> None:
    """With one good and one foreign recipient the report is stored for the good one only."""
    refused = send(mailbox.port, ["abuse@example.net", "postmaster@elsewhere.example"])
    assert refused["postmaster@elsewhere.example"][0] == 550
    assert mailbox.store.list()[0].envelope.rcpt_to == ("abuse@example.net",)


def test_duplicate_delivery_is_stored_once(mailbox: MailboxServer) -> None:
    """The same bytes delivered twice (an MTA retrying) give one record and the same id."""
    send(mailbox.port, ["abuse@example.net"])
    with smtplib.SMTP("127.0.0.1", mailbox.port) as client:
        client.ehlo()
        client.mail("r@reporter.example")
        client.rcpt("abuse@example.net")
        code, text = client.data(REPORT)
    assert (code, text) == (250, b"2.0.0 Report already received, intake id 1")
    assert len(mailbox.store.list()) == 1


def test_session_is_logged_as_one_line_without_the_body(
    mailbox: MailboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Each session ends in one 'smtp session' log record with envelope facts and no body text."""
    with caplog.at_level("INFO", logger="listeners.smtp"):
        send(mailbox.port, ["abuse@example.net"])
        mailbox.close()
    [line] = [r for r in caplog.records if r.getMessage() == "smtp session"]
    fields = line.__dict__["fields"]
    assert (fields["reply"], fields["intake_ids"], fields["rcpt_count"]) == ("250 2.0.0", [1], 1)
    assert "trap received" not in caplog.text


def test_commands_sent_with_the_data_are_still_answered(mailbox: MailboxServer) -> None:
    """A client that sends NOOP in the same packet as the end of data gets both replies."""
    with RawSession(mailbox.port) as session:
        session.command("EHLO mx.reporter.example")
        session.command("MAIL FROM:<r@reporter.example>")
        session.command("RCPT TO:<abuse@example.net>")
        session.command("DATA")
        session.send(REPORT + b".\r\nNOOP\r\n")
        assert [session.reply(), session.reply()] == [
            "250 2.0.0 Report received, intake id 1",
            "250 OK",
        ]
