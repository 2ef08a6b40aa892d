"""Complaints written by people: heuristic extraction from free text."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message


def complaint(body: str, sender: str = "jane@victim.org") -> bytes:
    return (
        f"From: Jane <{sender}>\r\nTo: abuse@isp.net\r\nSubject: hacked\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_defanged_indicators_in_complaint_are_offenders() -> None:
    """Defanged URL, bracketed IP and domain in a complaint are refanged and extracted."""
    report = parse_message(
        complaint("Your customer hosts hxxp://login-paypal[.]verify-acct.shop/ on 8.8.4[.]4")
    )
    assert isinstance(report, Report) and report.format == "freetext"
    values = {o.value for o in report.offenders}
    assert {"http://login-paypal.verify-acct.shop/", "verify-acct.shop", "8.8.4.4"} <= values


def test_reporter_own_domain_and_recipient_are_not_offenders() -> None:
    """The complainant's own domain and the abuse desk address are never offenders."""
    report = parse_message(
        complaint("Reply to jane@victim.org or abuse@isp.net, see https://victim.org/logs")
    )
    assert isinstance(report, Report) and report.offenders == ()


def test_bare_hostnames_with_known_suffix_are_domain_offenders() -> None:
    """A bare host name on a real public suffix is reported as its registrable domain."""
    report = parse_message(complaint("The spam advertises www.cheap-pills.co.uk daily."))
    assert isinstance(report, Report)
    assert "cheap-pills.co.uk" in {o.value for o in report.offenders}


def test_file_names_that_look_like_hosts_are_not_domains() -> None:
    """'invoice.zip' or 'run.py' in a complaint are file names, not domain offenders."""
    report = parse_message(complaint("The mail carried invoice.zip which runs run.py"))
    assert isinstance(report, Report) and report.offenders == ()


def test_bounce_recipient_in_a_delivery_status_block_is_no_offender() -> None:
    """A DSN's Final-Recipient (RFC 3464) is where mail could not go, not who abused."""
    raw = (
        b"From: MAILER-DAEMON@mx.isp.net\nTo: abuse@isp.net\nSubject: Undelivered Mail\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; '
        b'boundary="B"\n\n--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n'
        b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.isp.net\n\n"
        b"Final-Recipient: rfc822; nobody@customer-shop.com\nAction: failed\nStatus: 5.1.1\n"
        b"--B--\n"
    )
    report = parse_message(raw)
    assert isinstance(report, Report) and report.offenders == ()
