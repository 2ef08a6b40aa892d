"""Structured fields of notices: Safe Browsing XML, Project Honey Pot lists, field lines."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message
from pipeline.parsing.safebrowsing import bracket_ipv6


def notice(body: str, sender: str = "noreply@google.com", automated: bool = True) -> bytes:
    auto = "Auto-Submitted: auto-generated\r\n" if automated else ""
    return (
        f"From: Notices <{sender}>\r\nTo: abuse@isp.net\r\nSubject: notice\r\n{auto}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def parse(raw: bytes) -> Report:
    outcome = parse_message(raw)
    assert isinstance(outcome, Report), outcome
    return outcome


def found(report: Report) -> set[tuple[str, str, str, bool]]:
    return {(o.kind.value, o.value, o.role, o.reserved) for o in report.offenders}


SAFE_BROWSING = (
    '<notification_message asn="64512" date="2015-01-01">\r\n <list type="0">\r\n'
    '  <url_info url="http://bad-site.shop/x" ip="8.8.4.4" />\r\n </list>\r\n'
    "</notification_message>"
)
HONEYPOT = (
    "IPs Engaged In Email Spamming On Your Network:\r\n\r\n8.8.4.4 (S)\r\n"
    '  - Mon, 21 Sep 2015 10:00AM PDT\r\n    - From: "Shop"<seller@pills-shop.biz>\r\n\r\n'
    "IPs Engaged In Harvesting On Your Network:\r\n\r\nnone\r\n\r\n"
    "---------------------------------------\r\n"
    "See http://www.projecthoneypot.org/monitor_settings.php or write to noc@isp-ops.net\r\n"
)


def test_safe_browsing_url_info_declares_url_and_hosting_ip() -> None:
    """Each url_info gives the flagged URL, its domain and the hosting IP."""
    report = parse(notice(SAFE_BROWSING))
    assert report.format == "safebrowsing"
    assert found(report) == {
        ("url", "http://bad-site.shop/x", "flagged", False),
        ("domain", "bad-site.shop", "flagged", False),
        ("ip", "8.8.4.4", "hosting", False),
    }


def test_safe_browsing_reserved_hosting_ip_is_kept_flagged() -> None:
    """A declared hosting IP in a private range stays, flagged reserved (anonymised alerts)."""
    report = parse(notice(SAFE_BROWSING.replace("8.8.4.4", "10.0.2.23")))
    assert ("ip", "10.0.2.23", "hosting", True) in found(report)


def test_unbracketed_ipv6_url_host_gets_its_brackets_back() -> None:
    """http://fd00::1:2222/x (host, then port) is rewritten to http://[fd00::1]:2222/x."""
    assert bracket_ipv6("http://fd00::1:2222/x") == "http://[fd00::1]:2222/x"
    assert bracket_ipv6("http://bad-site.shop:8080/") == "http://bad-site.shop:8080/"


def test_honeypot_lists_declare_ips_and_spam_senders_only() -> None:
    """Listed IPs are sources and event From: lines senders; links and contacts are not."""
    report = parse(notice(HONEYPOT, "monitor-bounce@projecthoneypot.org"))
    assert report.format == "honeypot"
    assert found(report) == {
        ("ip", "8.8.4.4", "source", False),
        ("email", "seller@pills-shop.biz", "sender", False),
    }


def test_offending_source_ip_field_line_is_declared_and_prose_ignored() -> None:
    """In an automated notice 'Offending/Source IP:' declares the source; prose is not read."""
    body = "Read https://help.ban-service.org/faq\r\nOffending/Source IP:  10.1.2.3\r\n"
    report = parse(notice(body, "reports@ban-alerts.com"))
    assert found(report) == {("ip", "10.1.2.3", "source", True)}


def test_log_block_ip_and_url_fields_are_declared() -> None:
    """'IP:' and 'URL:' lines declare offenders; a feedback_url field does not."""
    body = (
        "IP:             10.1.2.3\r\nURL:            http://malware.cust-site.shop/\r\n"
        "feedback_url: https://www.sirt-pages.org/incident/1\r\n"
        "Visit https://www.av-check.com/ for a free scan.\r\n"
    )
    report = parse(notice(body, "abuse-reports@sirt-team.de"))
    assert found(report) == {
        ("ip", "10.1.2.3", "source", True),
        ("url", "http://malware.cust-site.shop/", "reported", False),
        ("domain", "cust-site.shop", "reported", False),
    }
    assert report.fields["declared_fields"] == "2"


def test_table_detail_columns_are_kept_as_fields() -> None:
    """Shadowserver infection/tag/protocol/port columns are summarised in Report.fields."""
    csv = '"ip","port","protocol","infection"\r\n"8.8.4.4",53,"udp","mirai"\r\n'
    report = parse(notice(csv, "autoreports@shadowserver.org"))
    assert report.format == "tabular"
    assert (report.fields["port"], report.fields["infection"]) == ("53", "mirai")


def test_person_complaint_with_an_ip_field_is_still_scanned() -> None:
    """A person's complaint with an 'IP:' line keeps the IP and the URLs of its prose."""
    body = "IP: 8.8.4.4\r\nIt hosts http://phish-login.shop/ too.\r\n"
    report = parse(notice(body, "jane@victim.org", automated=False))
    assert {o.value for o in report.offenders} == {
        "8.8.4.4",
        "http://phish-login.shop/",
        "phish-login.shop",
    }
