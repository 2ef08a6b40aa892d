"""X-ARF: YAML mail (v0.2), legacy JSON and v4 JSON, validation and taxonomy."""

from __future__ import annotations

import json

import pytest

from pipeline.models import Report
from pipeline.parsing import ParseFailure, parse_message
from pipeline.parsing.xarf import taxonomy

V4 = {
    "xarf_version": "4.0.0",
    "report_id": "r1",
    "timestamp": "2024-01-15T14:30:25Z",
    "reporter": {"org": "Trap", "contact": "reports@trap.org", "domain": "trap.org"},
    "source_identifier": "8.8.4.4",
    "category": "messaging",
    "type": "spam",
    "protocol": "smtp",
    "smtp_from": "bulk@cheap-pills.shop",
}
YAML_MAIL = (
    "From: abuse@reporter.de\r\nTo: abuse@isp.net\r\nSubject: report\r\nX-XARF: PLAIN\r\n"
    'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="X"\r\n\r\n'
    "--X\r\nContent-Type: text/plain\r\n\r\nLogin attacks from your network.\r\n"
    '--X\r\nContent-Type: text/plain; name="report.txt"\r\n\r\n---\r\n'
    "Reported-From: abuse@reporter.de\r\nCategory: abuse\r\nReport-Type: login-attack\r\n"
    "Source-Type: ipv4\r\nSource: 8.8.4.4\r\nDate: 2015-07-23T01:58:17+00:00\r\n--X--\r\n"
)


def parse(raw: bytes) -> Report:
    outcome = parse_message(raw)
    assert isinstance(outcome, Report), outcome
    return outcome


def test_v4_json_gives_source_sender_reporter_and_category() -> None:
    """A v4 document's source_identifier, smtp_from, contact and type are read."""
    report = parse(json.dumps(V4).encode())
    assert [o.to_json() for o in report.offenders] == [
        {"kind": "ip", "value": "8.8.4.4", "role": "source"},
        {"kind": "email", "value": "bulk@cheap-pills.shop", "role": "sender"},
    ]
    assert (report.reporter, report.declared_category) == ("reports@trap.org", "spam")


def test_v4_messaging_without_protocol_is_rejected_naming_the_member() -> None:
    """A schema violation is a ParseFailure that names the JSON path."""
    outcome = parse_message(json.dumps({k: v for k, v in V4.items() if k != "protocol"}).encode())
    assert isinstance(outcome, ParseFailure) and "$.protocol" in outcome.reason


def test_truncated_json_is_rejected_not_raised() -> None:
    """Malformed JSON gives a ParseFailure with the decoder's reason."""
    outcome = parse_message(json.dumps(V4).encode()[:-5])
    assert isinstance(outcome, ParseFailure) and "does not parse" in outcome.reason


def test_yaml_report_part_declares_the_source_and_type() -> None:
    """An X-ARF 0.2 mail's YAML part gives the declared source, type and reporter."""
    report = parse(YAML_MAIL.encode())
    assert report.format == "xarf" and report.fields["xarf_type"] == "login-attack"
    assert report.offenders[0].to_json() == {"kind": "ip", "value": "8.8.4.4", "role": "source"}
    assert (report.reporter, report.declared_category) == ("abuse@reporter.de", "network_attack")


def test_legacy_json_with_bad_port_is_rejected() -> None:
    """A legacy document whose SourcePort is not a port number is rejected."""
    doc = {
        "Version": "3",
        "Disclosure": True,
        "ReporterInfo": {
            "ReporterOrg": "O",
            "ReporterOrgDomain": "o.org",
            "ReporterOrgEmail": "r@o.org",
        },
        "Report": {
            "ReportClass": "Activity",
            "ReportType": "DOS",
            "Date": "2018-02-05T14:17:10Z",
            "SourceIp": "8.8.4.4",
            "SourcePort": "PORT80",
        },
    }
    outcome = parse_message(json.dumps(doc).encode())
    assert isinstance(outcome, ParseFailure) and "SourcePort" in outcome.reason


@pytest.mark.parametrize(
    ("category", "kind", "label"),
    [
        ("Content", "Phishing", "phishing"),
        ("connection", "port_scan", "network_attack"),
        ("reputation", "blocklist", "blocklisting"),
        ("abuse", "malware-attack", "malware"),
        ("content", "csam", "child_abuse"),
        ("copyright", "anything", "copyright"),
        ("info", "harvesting", None),
        ("Activity", "PotentiallyCompromisedAccount", None),
    ],
)
def test_xarf_types_map_to_taxonomy_only_when_unambiguous(
    category: str, kind: str, label: str | None
) -> None:
    """Known X-ARF types map to a taxonomy label; ambiguous ones declare nothing."""
    assert taxonomy(category, kind) == label


def test_every_yaml_report_part_adds_its_offenders() -> None:
    """A mail with two X-ARF report parts yields both parts' sources, deduplicated."""
    second = (
        '--X\r\nContent-Type: text/plain; name="report2.txt"\r\n\r\n---\r\n'
        "Reported-From: abuse@reporter.de\r\nCategory: abuse\r\nReport-Type: login-attack\r\n"
        "Source-Type: ipv4\r\nSource: 8.8.8.8\r\n"
        '--X\r\nContent-Type: text/plain; name="report3.txt"\r\n\r\n---\r\n'
        "Reported-From: abuse@reporter.de\r\nCategory: abuse\r\nReport-Type: login-attack\r\n"
        "Source-Type: ipv4\r\nSource: 8.8.4.4\r\n--X--\r\n"
    )
    report = parse(YAML_MAIL.replace("--X--\r\n", second).encode())
    assert [o.value for o in report.offenders] == ["8.8.4.4", "8.8.8.8"]
    assert report.fields["report_parts"] == "3"


def test_yaml_reporters_own_domain_is_not_a_declared_domain() -> None:
    """A Domain: member under the Reported-From domain is the reporter's, not an offender."""
    raw = YAML_MAIL.replace("Source: 8.8.4.4", "Source: 8.8.4.4\r\nDomain: www.reporter.de")
    assert {o.value for o in parse(raw.encode()).offenders} == {"8.8.4.4"}


def test_plain_json_attachment_is_not_taken_for_xarf() -> None:
    """A JSON attachment without X-ARF's keys (a webhook payload) leaves the mail free text."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Scanner <alerts@scan.example.org>"
    msg["Subject"] = "Blocklist webhook: 81.2.69.160 listed"
    msg.set_content("Our system listed 81.2.69.160, details attached.")
    payload = b'{"ip": "81.2.69.160", "list": "examplebl", "reason": "spamtrap"}'
    msg.add_attachment(payload, maintype="application", subtype="json", filename="event.json")
    report = parse(bytes(msg))
    assert report.format != "xarf"
    assert "81.2.69.160" in {o.value for o in report.offenders}


def test_yaml_part_with_an_impossible_date_is_read_with_a_warning() -> None:
    """An impossible YAML date (2015-13-45) is a warning and Name: value reading, not a crash."""
    report = parse(YAML_MAIL.replace("2015-07-23T01:58:17+00:00", "2015-13-45").encode())
    assert any("impossible value" in w for w in report.warnings)
    assert report.offenders[0].value == "8.8.4.4"
