"""Bad MIME gets an explicit outcome: limits, lying charsets, floods, nesting, huge parts."""

from __future__ import annotations

from pipeline.config import ParsingConfig
from pipeline.models import Report
from pipeline.parsing import ParseFailure, parse_message
from pipeline.parsing.mime import decode_bytes


def test_header_flood_is_refused_with_a_reason() -> None:
    """More header fields than max_headers is a ParseFailure naming the flood."""
    raw = b"".join(b"X-Junk-%d: x\r\n" % i for i in range(2000)) + b"\r\nbody\r\n"
    outcome = parse_message(raw)
    assert isinstance(outcome, ParseFailure) and outcome.reason.startswith("header flood")


def test_oversized_message_is_refused() -> None:
    """A message over max_message_bytes is refused before parsing."""
    outcome = parse_message(
        b"From: a@b.org\r\n\r\n" + b"x" * 2000, config=ParsingConfig(max_message_bytes=1000)
    )
    assert isinstance(outcome, ParseFailure) and "max_message_bytes" in outcome.reason


def test_nesting_bomb_is_cut_at_the_depth_limit() -> None:
    """Multiparts nested past max_mime_depth are not descended into, with a warning."""
    raw = b"From: a@b.org\r\nSubject: nest\r\n"
    for i in range(60):
        raw += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    raw += b"Content-Type: text/plain\r\n\r\nfrom 8.8.4.4\r\n"
    outcome = parse_message(raw)
    assert isinstance(outcome, Report)
    assert any("nesting deeper" in w for w in outcome.warnings)


def test_huge_base64_part_is_not_decoded() -> None:
    """A part over max_part_bytes is skipped with a warning, not decoded into memory."""
    raw = (
        b'From: a@b.org\r\nContent-Type: multipart/mixed; boundary="H"\r\n\r\n--H\r\n'
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b"QUFB" * 5000
        + b"\r\n--H--\r\n"
    )
    outcome = parse_message(raw, config=ParsingConfig(max_part_bytes=1000))
    assert isinstance(outcome, Report)
    assert any("over the part limit" in w for w in outcome.warnings)


def test_lying_charset_falls_back_and_warns() -> None:
    """Text declared us-ascii but holding UTF-8 is decoded as UTF-8, with a warning."""
    raw = (
        "From: a@b.org\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße von 8.8.4.4\r\n"
    ).encode()
    outcome = parse_message(raw)
    assert isinstance(outcome, Report) and "Grüße" in outcome.body
    assert any("charset" in w for w in outcome.warnings)


def test_unknown_charset_never_fails() -> None:
    """An unknown or non-text codec name falls back instead of raising."""
    assert decode_bytes(b"caf\xe9", "x-no-such-charset") == ("café", True)
    assert decode_bytes(b"abc", "hex")[0] == "abc"


def test_eight_bit_headers_are_readable() -> None:
    """Raw 8-bit bytes in headers are kept readable, not an error."""
    outcome = parse_message(b"From: a@b.org\r\nSubject: Gr\xfc\xdfe\r\n\r\nhello\r\n")
    assert isinstance(outcome, Report) and outcome.subject.startswith("Gr")


def test_missing_closing_boundary_is_tolerated() -> None:
    """A multipart without its closing boundary still yields its parts."""
    raw = (
        b'From: a@b.org\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n--M\r\n'
        b"Content-Type: text/plain\r\n\r\nsee http://bad-site.shop/x\r\n"
    )
    outcome = parse_message(raw)
    assert isinstance(outcome, Report)
    assert "http://bad-site.shop/x" in {o.value for o in outcome.offenders}


def test_text_without_headers_is_not_a_report() -> None:
    """Bytes with no header fields are refused with a reason, not guessed at."""
    outcome = parse_message(b"just some words\nand more\n")
    assert isinstance(outcome, ParseFailure) and "no header fields" in outcome.reason


def test_eight_bit_utf8_header_fields_are_read_as_utf8() -> None:
    """Raw UTF-8 header fields (RFC 6532) keep their text, not one U+FFFD per octet."""
    raw = "From: Jürgen <j@b.de>\nSubject: Фишинг über 日本\n\nbody\n".encode()
    report = parse_message(raw)
    assert isinstance(report, Report) and report.subject == "Фишинг über 日本"


def test_eight_bit_legacy_header_fields_fall_back_to_latin1() -> None:
    """A header field in an undeclared legacy charset is read as Latin-1, not dropped."""
    raw = b"From: x@y.com\nSubject: Beschwerde \xfcber Spam\n\nbody\n"
    report = parse_message(raw)
    assert isinstance(report, Report) and report.subject == "Beschwerde über Spam"
