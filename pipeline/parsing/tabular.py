"""Tabular notices (Shadowserver, AbuseHub and the like): one row per offending address.

A table is a CSV attachment (possibly zipped or gzipped: inflated only up to the part limit)
or a delimited block in the body. Columns named like an IP, URL or host column are read; the
row values are heuristic offenders, so reserved addresses are dropped.
"""

from __future__ import annotations

import csv
import io
import re

from pipeline.models import Report
from pipeline.parsing.context import Context, bounded
from pipeline.parsing.limits import MAX_EVIDENCE_CHARS, MAX_TABLE_ROWS
from pipeline.parsing.mime import MimePart, read_archive_text
from pipeline.parsing.offenders import OffenderSet, parse_ip

FORMAT = "tabular"
IP_COLUMNS = frozenset(
    {
        "ip",
        "src_ip",
        "source_ip",
        "ip_address",
        "ipaddress",
        "ip address",
        "source",
        "src",
        "address",
        "host_ip",
    }
)
URL_COLUMNS = frozenset({"url", "uri", "http_url", "infected_url"})
#: Columns that describe what was seen (Shadowserver: infection/tag, protocol, port, asn):
#: not offenders, but what routing and the classifier read, kept in ``Report.fields``.
DETAIL_COLUMNS = ("infection", "tag", "type", "protocol", "port", "asn")
#: Distinct values kept per detail column: a summary, not a copy of the table.
MAX_DETAIL_VALUES = 8
DELIMITERS = (",", ";", "\t", "|")
_TABLE_NAME = re.compile(r"\.(?:csv|tsv)(?:\.zip|\.gz)?$", re.IGNORECASE)


def _table_text(ctx: Context, part: MimePart) -> str | None:
    name = part.filename or ""
    if part.content_type in ("text/csv", "text/tab-separated-values") or _TABLE_NAME.search(name):
        if name.lower().endswith((".zip", ".gz")) or part.data[:2] in (b"PK", b"\x1f\x8b"):
            return read_archive_text(part.data, name, ctx.config.max_part_bytes)
        return part.text
    return None


def tables(ctx: Context) -> list[tuple[str, str]]:
    """``(name, text)`` for every table attachment of the report."""
    # Detection reads them, then parsing: inflate a zipped table only once.
    return ctx.remember("tabular.tables", lambda: _find_tables(ctx))


def _find_tables(ctx: Context) -> list[tuple[str, str]]:
    found = []
    for part in ctx.parts_of(0):
        text = _table_text(ctx, part)
        if text:
            found.append((part.filename or part.content_type, text))
    return found


#: A piece of every IP column name: a line holding none of them names no IP column.
_IP_COLUMN_PIECES = ("ip", "src", "source", "address")


def _header(line: str) -> tuple[str, list[str]] | None:
    lowered = line.lower()
    if not any(piece in lowered for piece in _IP_COLUMN_PIECES):
        return None
    for delimiter in DELIMITERS:
        columns = [c.strip().strip('"').lower() for c in line.split(delimiter)]
        if len(columns) >= 2 and IP_COLUMNS & set(columns):
            return delimiter, columns
    return None


def body_table(text: str) -> str | None:
    """A delimited table in the body: from a header line naming an IP column to its end."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:200]):
        if _header(line):
            return "\n".join(lines[i:])
    return None


def looks_like(ctx: Context) -> bool:
    return bool(tables(ctx)) or body_table(ctx.texts(0, limit=2)[:65536]) is not None


def read_rows(
    text: str,
    offenders: OffenderSet,
    warnings: list[str],
    details: dict[str, dict[str, None]] | None = None,
) -> int:
    """Add the offenders of one table (and its detail columns' values); returns rows read."""
    lines = text.lstrip("\ufeff").splitlines()
    header = _header(lines[0]) if lines else None
    if header is None:
        warnings.append("table without a recognisable IP column")
        return 0
    delimiter, columns = header
    ip_at = [i for i, c in enumerate(columns) if c in IP_COLUMNS]
    url_at = [i for i, c in enumerate(columns) if c in URL_COLUMNS]
    detail_at = [(i, c) for i, c in enumerate(columns) if c in DETAIL_COLUMNS]
    details = {} if details is None else details
    rows = 0
    reader = csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=delimiter)
    while rows < MAX_TABLE_ROWS:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            warnings.append(f"table row {rows + 2} unreadable ({exc}): rest ignored")
            break
        rows += 1
        for i in ip_at:
            ip = parse_ip(row[i]) if i < len(row) else None
            if ip is not None:
                offenders.heuristic_ip(ip, "source")
        for i in url_at:
            if i < len(row) and "://" in row[i]:
                offenders.url(row[i].strip(), "hosting")
        for i, name in detail_at:
            seen = details.setdefault(name, {})
            if i < len(row) and row[i].strip() and len(seen) < MAX_DETAIL_VALUES:
                seen[row[i].strip()[:64]] = None
    if rows >= MAX_TABLE_ROWS:
        warnings.append(f"table longer than {MAX_TABLE_ROWS} rows: rest ignored")
    return rows


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    warnings: list[str] = []
    found = tables(ctx)
    if not found:
        inline = body_table(ctx.texts(0, limit=2))
        found = [("body", inline)] if inline else []
    details: dict[str, dict[str, None]] = {}
    rows = sum(read_rows(text, offenders, warnings, details) for _, text in found)
    fields = {"table": found[0][0] if found else "", "rows": str(rows)}
    fields.update({name: ",".join(values) for name, values in details.items() if values})
    return ctx.report(
        FORMAT,
        offenders,
        evidence=bounded("\n".join(text for _, text in found), MAX_EVIDENCE_CHARS),
        fields=fields,
        warnings=warnings,
    )
