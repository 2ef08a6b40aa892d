"""STARTTLS on the abuse mailbox with a generated certificate, and the require-TLS mode."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.support.mailbox import MailboxServer, RawSession, mailbox_config

pytestmark = pytest.mark.integration

REPORT = b"Subject: phishing at 198.51.100.7\r\n\r\nSee the attached evidence.\r\n"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_files(ca: trustme.CA, tmp_path: Path) -> dict[str, Path]:
    cert = ca.issue_cert("localhost", "127.0.0.1")
    files = {"tls_cert": tmp_path / "cert.pem", "tls_key": tmp_path / "key.pem"}
    cert.cert_chain_pems[0].write_to_path(str(files["tls_cert"]))
    cert.private_key_pem.write_to_path(str(files["tls_key"]))
    return files


@pytest.fixture
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def tls_mailbox(tmp_path: Path, tls_files: dict[str, Path]) -> Iterator[MailboxServer]:
    with MailboxServer(mailbox_config(tmp_path / "var", **tls_files)) as server:
        yield server


def test_starttls_session_delivers(
    tls_mailbox: MailboxServer, client_context: ssl.SSLContext
) -> None:
    """A client that verifies the certificate upgrades with STARTTLS and its report is stored."""
    with smtplib.SMTP("127.0.0.1", tls_mailbox.port) as client:
        client.starttls(context=client_context)
        client.sendmail("r@reporter.example", ["abuse@example.net"], REPORT)
    assert tls_mailbox.store.raw(1) == REPORT


def test_starttls_is_advertised_only_when_configured(tmp_path: Path) -> None:
    """Without tls_cert/tls_key the EHLO reply offers no STARTTLS."""
    with MailboxServer(mailbox_config(tmp_path)) as server, RawSession(server.port) as session:
        assert "STARTTLS" not in session.command("EHLO mx.reporter.example")


def test_require_tls_refuses_plain_mail(tmp_path: Path, tls_files: dict[str, Path]) -> None:
    """With require_tls, MAIL before STARTTLS gets 530 5.7.0."""
    config = mailbox_config(tmp_path / "var", require_tls=True, **tls_files)
    with MailboxServer(config) as server, RawSession(server.port) as session:
        assert "STARTTLS" in session.command("EHLO mx.reporter.example")
        assert session.command("MAIL FROM:<r@reporter.example>").startswith("530 5.7.0")


def test_require_tls_accepts_after_starttls(
    tmp_path: Path, tls_files: dict[str, Path], client_context: ssl.SSLContext
) -> None:
    """With require_tls, the same report is accepted once the session is encrypted."""
    config = mailbox_config(tmp_path / "var", require_tls=True, **tls_files)
    with MailboxServer(config) as server, smtplib.SMTP("127.0.0.1", server.port) as client:
        client.starttls(context=client_context)
        assert client.sendmail("r@reporter.example", ["abuse@example.net"], REPORT) == {}
