"""SpamCop reports: the source line and spamvertised sites are declared offenders."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message

SPAMCOP = (
    "From: 1234567890@reports.spamcop.net\r\nTo: abuse@isp.net\r\n"
    "Subject: [SpamCop (http://cheap-pills.shop/) id:7033]Cheap pills\r\n\r\n"
    "[ SpamCop V5.4.0 ]\r\nThis message is brief for your comfort.\r\n\r\n"
    "Email from 8.8.4.4 / Mon, 01 Jan 2024 10:00:00 +0100\r\n"
    "https://www.spamcop.net/sc?id=z7033\r\n\r\n"
    "Spamvertised web site: http://cheap-pills.shop/\r\n"
    "https://www.spamcop.net/sc?id=z7034\r\n\r\n"
    "[ Offending message ]\r\nReceived: from x ([8.8.4.4]) by mx.victim.org\r\n"
    "Subject: Cheap pills\r\n\r\nOrder at http://order.pharma-deals.shop/buy today\r\n"
)


def test_spamcop_source_line_and_sites_are_declared_offenders() -> None:
    """The 'Email from' address is the source and each spamvertised site is an offender."""
    report = parse_message(SPAMCOP.encode())
    assert isinstance(report, Report) and report.format == "spamcop"
    found = {(o.kind.value, o.value, o.role) for o in report.offenders}
    assert ("ip", "8.8.4.4", "source") in found
    assert ("url", "http://cheap-pills.shop/", "spamvertised") in found
    assert ("url", "http://order.pharma-deals.shop/buy", "spamvertised") in found


def test_spamcop_own_links_are_not_offenders() -> None:
    """SpamCop's tracking links belong to the reporter and are never offenders."""
    report = parse_message(SPAMCOP.encode())
    assert isinstance(report, Report)
    assert not any("spamcop.net" in o.value for o in report.offenders)


def test_spamcop_report_declares_spam_and_utc_date() -> None:
    """SpamCop only reports spam; the source line's date is normalised to UTC."""
    report = parse_message(SPAMCOP.encode())
    assert isinstance(report, Report) and report.declared_category == "spam"
    assert report.date is not None and report.date.isoformat() == "2024-01-01T09:00:00+00:00"
