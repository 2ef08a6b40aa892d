"""Forwarded spam: attached as message/rfc822 or pasted inline below a forward marker."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message

ORIGINAL = (
    "Return-Path: <bulk@cheap-pills.shop>\r\n"
    "Received: from mx.victim.org (mx.victim.org [127.0.0.1]) by store.victim.org; date\r\n"
    "Received: from sender (dsl.bad.isp [8.8.4.4]) by mx.victim.org; date\r\n"
    "From: Pills <bulk@cheap-pills.shop>\r\nSubject: pills\r\n\r\n"
    "Order at http://cheap-pills.shop/buy\r\n"
)


def _values(report: Report) -> set[tuple[str, str]]:
    return {(o.value, o.role) for o in report.offenders}


def test_attached_original_gives_origin_urls_and_sender() -> None:
    """An attached original's Received origin, body URLs and sender are offenders."""
    raw = (
        "From: Some User <user@victim.org>\r\nTo: abuse@isp.net\r\nSubject: Fw: spam\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nPlease stop this.\r\n"
        f"--F\r\nContent-Type: message/rfc822\r\n\r\n{ORIGINAL}\r\n--F--\r\n"
    ).encode()
    report = parse_message(raw)
    assert isinstance(report, Report) and report.format == "forwarded"
    assert {
        ("8.8.4.4", "source"),
        ("http://cheap-pills.shop/buy", "spamvertised"),
        ("bulk@cheap-pills.shop", "sender"),
    } <= _values(report)
    assert report.reporter == "user@victim.org"


def test_inline_forward_below_marker_is_parsed() -> None:
    """An original pasted below '---------- Forwarded message ---------' is read."""
    raw = (
        "From: user@victim.org\r\nTo: abuse@isp.net\r\nSubject: Fwd: pills\r\n\r\n"
        "Spam again!\r\n\r\n---------- Forwarded message ---------\r\n" + ORIGINAL
    ).encode()
    report = parse_message(raw)
    assert isinstance(report, Report) and report.format == "forwarded"
    assert ("8.8.4.4", "source") in _values(report)
    assert report.body.strip() == "Spam again!"
