"""Tabular notices: CSV attachments (zipped or not) and delimited body tables."""

from __future__ import annotations

import io
import zipfile
from base64 import b64encode

from pipeline.config import ParsingConfig
from pipeline.models import Report
from pipeline.parsing import parse_message

CSV = '"timestamp","ip","port","url"\n"2024-01-01","8.8.4.4",53,"http://open.resolver.shop/"\n'


def notice(name: str, payload: bytes) -> bytes:
    return (
        "From: autoreports@scanner.org\r\nTo: abuse@isp.net\r\nSubject: scan report\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="T"\r\n\r\n'
        "--T\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n"
        f"--T\r\nContent-Type: application/octet-stream; name={name}\r\n"
        f"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename={name}"
        f"\r\n\r\n{b64encode(payload).decode()}\r\n--T--\r\n"
    ).encode()


def zipped(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.csv", text)
    return buffer.getvalue()


def test_csv_attachment_rows_give_ip_and_url_offenders() -> None:
    """Each row's IP is a source and its URL a hosting offender."""
    report = parse_message(notice("report.csv", CSV.encode()))
    assert isinstance(report, Report) and report.format == "tabular"
    assert {("8.8.4.4", "source"), ("http://open.resolver.shop/", "hosting")} <= {
        (o.value, o.role) for o in report.offenders
    }


def test_zipped_csv_is_read() -> None:
    """A zipped CSV attachment (Shadowserver style) is inflated and read."""
    report = parse_message(notice("report.csv.zip", zipped(CSV)))
    assert isinstance(report, Report) and "8.8.4.4" in {o.value for o in report.offenders}


def test_zip_bomb_is_inflated_only_to_the_part_limit() -> None:
    """A highly compressed archive is read only up to max_part_bytes, never fully."""
    bomb = zipped(CSV + "x" * 5_000_000)
    limited = ParsingConfig(max_part_bytes=200_000)
    report = parse_message(notice("bomb.csv.zip", bomb), config=limited)
    assert isinstance(report, Report) and "8.8.4.4" in {o.value for o in report.offenders}


def test_reserved_row_addresses_are_dropped() -> None:
    """Table rows are heuristics: private addresses in them are never offenders."""
    report = parse_message(notice("r.csv", b"ip,port\n10.0.0.1,53\n192.168.1.1,53\n"))
    assert isinstance(report, Report) and report.offenders == ()


def test_pipe_table_in_body_is_read() -> None:
    """A pipe-delimited table in the body (Clean-MX style) is a tabular notice."""
    raw = (
        b"From: abuse@lists.org\r\nTo: abuse@isp.net\r\nSubject: sites\r\n\r\n"
        b"Sites:\r\n|date |ip |url|\r\n|2024-01-01 |8.8.4.4 |http://bad.site.shop/x|\r\n"
    )
    report = parse_message(raw)
    assert isinstance(report, Report) and report.format == "tabular"
    assert "8.8.4.4" in {o.value for o in report.offenders}
