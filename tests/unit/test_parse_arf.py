"""ARF feedback reports (RFC 5965/6591) and Microsoft JMRP."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message


def arf(fields: str, original: str = "", outer_to: str = "abuse@isp.net") -> bytes:
    return (
        "From: fbl@feedback.mailbox.com\r\n"
        f"To: {outer_to}\r\n"
        "Subject: complaint\r\n"
        "Date: Tue, 19 Jan 2016 14:32:49 -0500\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
        f"--B\r\nContent-Type: message/feedback-report\r\n\r\n{fields}\r\n"
        f"--B\r\nContent-Type: message/rfc822\r\n\r\n{original}\r\n--B--\r\n"
    ).encode()


ORIGINAL = (
    "Received: from spam.host (spam.host [8.8.4.4]) by mx.mailbox.com; Tue, 19 Jan 2016\r\n"
    "From: seller@cheap-pills.shop\r\nTo: victim@mailbox.com\r\nSubject: buy\r\n\r\n"
    "Visit http://cheap-pills.shop/order now, mail 203.0.113.77\r\n"
)


def parse(raw: bytes) -> Report:
    outcome = parse_message(raw)
    assert isinstance(outcome, Report), outcome
    return outcome


def test_declared_global_source_is_a_plain_source_offender() -> None:
    """Source-IP of a global address is the source offender, not flagged reserved."""
    report = parse(arf("Feedback-Type: abuse\r\nSource-IP: 8.8.8.8\r\nVersion: 1", ORIGINAL))
    assert report.offenders[0].to_json() == {"kind": "ip", "value": "8.8.8.8", "role": "source"}


def test_declared_source_wins_over_received_chain() -> None:
    """With a Source-IP the original's Received chain adds no second source."""
    report = parse(arf("Feedback-Type: abuse\r\nSource-IP: 8.8.8.8", ORIGINAL))
    assert "8.8.4.4" not in {o.value for o in report.offenders}


def test_missing_source_ip_is_recovered_from_the_original() -> None:
    """Without Source-IP the origin of the attached original's Received chain is the source."""
    report = parse(arf("Feedback-Type: abuse\r\nUser-Agent: x", ORIGINAL))
    assert ("ip", "8.8.4.4", "source") in {
        (o.kind.value, o.value, o.role) for o in report.offenders
    }


def test_spamvertised_urls_of_the_original_are_offenders_but_its_ips_are_not() -> None:
    """URLs in the spam body are spamvertised; bare IPs in its text are not sources."""
    report = parse(arf("Feedback-Type: abuse\r\nSource-IP: 8.8.8.8", ORIGINAL))
    values = {(o.value, o.role) for o in report.offenders}
    assert ("http://cheap-pills.shop/order", "spamvertised") in values
    assert not any(v == "203.0.113.77" for v, _ in values)


def test_feedback_type_abuse_declares_spam_and_auth_failure_declares_nothing() -> None:
    """abuse maps to spam; auth-failure is left to the classifier."""
    assert parse(arf("Feedback-Type: abuse")).declared_category == "spam"
    assert parse(arf("Feedback-Type: auth-failure")).declared_category is None


def test_reported_domain_of_the_complaining_recipient_is_not_an_offender() -> None:
    """A Reported-Domain equal to the recipient's domain names the victim, not the abuser."""
    fields = (
        "Feedback-Type: abuse\r\nOriginal-Rcpt-To: u@mailbox.com\r\nReported-Domain: mailbox.com"
    )
    assert "mailbox.com" not in {o.value for o in parse(arf(fields, ORIGINAL)).offenders}


def test_reporter_is_the_from_address_of_the_report() -> None:
    """The reporter is the feedback loop's own address."""
    assert parse(arf("Feedback-Type: abuse")).reporter == "fbl@feedback.mailbox.com"


def test_jmrp_without_feedback_part_is_arf_with_source_from_received() -> None:
    """A Microsoft JMRP complaint (no feedback part) is ARF; the source comes from Received."""
    raw = (
        "From: staff@hotmail.com\r\nTo: abuse@isp.net\r\nSubject: complaint\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="J"\r\n\r\n'
        "--J\r\nContent-Type: message/rfc822\r\n\r\nX-HmXmrOriginalRecipient: v@hotmail.com\r\n"
        + ORIGINAL
        + "\r\n--J--\r\n"
    ).encode()
    report = parse(raw)
    assert (report.format, report.fields["variant"]) == ("arf", "jmrp")
    assert [o.value for o in report.offenders if o.role == "source"] == ["8.8.4.4"]


def test_arf_report_wrapped_in_a_forward_is_still_arf() -> None:
    """A feedback report forwarded as an attachment keeps its declared source."""
    inner = arf("Feedback-Type: abuse\r\nSource-IP: 8.8.8.8", ORIGINAL).decode()
    raw = (
        "From: colleague@isp.net\r\nTo: abuse@isp.net\r\nSubject: Fwd: complaint\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="W"\r\n\r\n'
        "--W\r\nContent-Type: text/plain\r\n\r\nFYI\r\n"
        f"--W\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--W--\r\n"
    ).encode()
    report = parse(raw)
    assert report.format == "arf"
    assert ("8.8.8.8", "source") in {(o.value, o.role) for o in report.offenders}


def test_fbl_receiving_mx_in_the_originals_chain_is_never_the_source() -> None:
    """The FBL operator's own MX hops (the original's newest 'by' domain) are skipped."""
    original = (
        "Received: from mx-in.mailbox.com (mx-in.mailbox.com [9.9.9.9]) by store.mailbox.com\r\n"
        "Received: from spam.host (spam.host [8.8.4.4]) by mx-in.mailbox.com\r\n"
        "From: seller@cheap-pills.shop\r\nSubject: buy\r\n\r\nbuy\r\n"
    )
    raw = arf("Feedback-Type: abuse", original).replace(b"fbl@feedback.mailbox.com", b"r@fbl.net")
    sources = {o.value for o in parse(raw).offenders if o.role == "source"}
    assert sources == {"8.8.4.4"}


def test_fbl_operators_own_domain_and_bounce_address_are_not_senders() -> None:
    """Reported-Domain and Original-Mail-From on the reporter's own domain are dropped."""
    fields = (
        "Feedback-Type: abuse\r\nSource-IP: 8.8.8.8\r\nReported-Domain: mailbox.com\r\n"
        "Original-Mail-From: <bounce-123@mailbox.com>"
    )
    report = parse(arf(fields, ORIGINAL))
    assert not {o.value for o in report.offenders} & {"mailbox.com", "bounce-123@mailbox.com"}
    assert any("reporter's own" in w for w in report.warnings)


def test_original_return_path_is_the_sender_when_not_declared() -> None:
    """Without Original-Mail-From the original's Return-Path is the sender offender."""
    report = parse(
        arf(
            "Feedback-Type: abuse\r\nSource-IP: 8.8.8.8",
            "Return-Path: <a@b-shop.biz>\r\n" + ORIGINAL,
        )
    )
    assert ("email", "a@b-shop.biz", "sender") in {
        (o.kind.value, o.value, o.role) for o in report.offenders
    }


def test_auth_failure_acts_on_the_source_ip_only() -> None:
    """In an RFC 6591 report the failing identity (maybe spoofed) and body are not offenders."""
    fields = (
        "Feedback-Type: auth-failure\r\nSource-IP: 8.8.8.8\r\nReported-Domain: bank.com\r\n"
        "Original-Mail-From: <info@bank.com>"
    )
    report = parse(arf(fields, ORIGINAL))
    assert [o.value for o in report.offenders] == ["8.8.8.8"]
    assert report.fields["reported_domain"] == "bank.com"


def test_reported_uri_on_a_documentation_domain_is_flagged_reserved() -> None:
    """A declared Reported-URI on example.net is kept as declared, flagged reserved."""
    report = parse(arf("Feedback-Type: abuse\r\nReported-URI: http://example.net/x", ORIGINAL))
    assert ("http://example.net/x", "spamvertised", True) in {
        (o.value, o.role, o.reserved) for o in report.offenders
    }


def test_relays_that_received_the_report_are_never_the_originals_source() -> None:
    """A host whose domain relayed the report itself ('by' in its chain) is a trusted hop."""
    original = (
        "Received: from in.fbl-mx.com (in.fbl-mx.com [9.9.9.9]) by store.inbox.org\r\n"
        "Received: from spam.host (spam.host [8.8.4.4]) by in.fbl-mx.com\r\n"
        "From: seller@cheap-pills.shop\r\nSubject: buy\r\n\r\nbuy\r\n"
    )
    raw = b"Received: from out.fbl.net by gw.fbl-mx.com; Tue, 19 Jan 2016\r\n" + arf(
        "Feedback-Type: abuse", original
    )
    sources = {o.value for o in parse(raw).offenders if o.role == "source"}
    assert sources == {"8.8.4.4"}
