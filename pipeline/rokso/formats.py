"""Reading a ROKSO export the operators hold: CSV or JSON, validated row by row.

CSV has a header row naming the columns in ``COLUMNS`` (any order); list-valued cells separate
items with ``;`` (commas belong to CSV and to company names). JSON is a list of objects, or
``{"records": [...]}``, with the same keys; list values may be JSON arrays or ``;`` strings.
Any bad row fails the whole import with an error naming the row, the field and the value:
a register that silently dropped a record would let that operation stay a customer.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pipeline.rokso.models import Netblock, RoksoRecord
from pipeline.rokso.normalize import (
    InvalidValue,
    normalize_domain,
    normalize_name,
    normalize_netblock,
    normalize_sbl_id,
)

ImportFormat = Literal["csv", "json"]
T = TypeVar("T")

REQUIRED_COLUMNS = ("record_id", "operation")
LIST_COLUMNS = ("aliases", "domains", "netblocks", "sbl_ids")
COLUMNS = (*REQUIRED_COLUMNS, *LIST_COLUMNS, "reference_url")
#: A real register holds hundreds of records; these bounds stop a wrong file, not real data.
MAX_IMPORT_BYTES = 16 * 1024 * 1024
MAX_RECORDS = 100_000
MAX_ITEMS_PER_FIELD = 10_000
#: Record ids as Spamhaus writes them (``ROK12345``) or an operator's own scheme.
_RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ITEM_SEPARATOR = ";"


class RoksoImportError(ValueError):
    """The file cannot be imported; ``row`` names where (CSV line or JSON record, from 1)."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None) -> None:
        where = "" if row is None else f"row {row}: " if field is None else f"row {row}, {field}: "
        super().__init__(f"{where}{message}")
        self.row = row
        self.field = field


def detect_format(name: str, data: bytes) -> ImportFormat:
    """The format named by the file suffix, else sniffed: JSON starts with ``[`` or ``{``."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".json"):
        return "json"
    return "json" if data.lstrip()[:1] in (b"[", b"{") else "csv"


def parse_register(data: bytes, fmt: ImportFormat) -> tuple[RoksoRecord, ...]:
    """Every record in ``data``, validated and normalised; raises RoksoImportError."""
    if len(data) > MAX_IMPORT_BYTES:
        raise RoksoImportError(f"file larger than {MAX_IMPORT_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoksoImportError(f"not UTF-8 text (byte {exc.start})") from None
    rows = _csv_rows(text) if fmt == "csv" else _json_rows(text)
    records: list[RoksoRecord] = []
    first_seen: dict[str, int] = {}
    for row_number, row in rows:
        if len(records) >= MAX_RECORDS:
            raise RoksoImportError(f"more than {MAX_RECORDS} records", row=row_number)
        record = _record(row_number, row)
        if record.record_id in first_seen:
            raise RoksoImportError(
                f"duplicate record id {record.record_id!r} (first in row "
                f"{first_seen[record.record_id]})",
                row=row_number,
                field="record_id",
            )
        first_seen[record.record_id] = row_number
        records.append(record)
    if not records:
        # Importing nothing would remove every record: never what an operator meant.
        raise RoksoImportError("no records in file; refusing to empty the register")
    return tuple(records)


def _csv_rows(text: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise RoksoImportError(f"bad CSV header: {exc}", row=1) from None
    if header is None:
        return []
    names = [h.strip() for h in header]
    _check_columns(names, row=1)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise RoksoImportError(f"header lacks column(s) {', '.join(missing)}", row=1)
    reader.fieldnames = names
    rows: list[tuple[int, Mapping[str, Any]]] = []
    try:
        for row in reader:
            if None in row:
                raise RoksoImportError("more cells than header columns", row=reader.line_num)
            if not any((v or "").strip() for v in row.values()):
                continue
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise RoksoImportError(f"bad CSV: {exc}", row=reader.line_num) from None
    return rows


def _json_rows(text: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RoksoImportError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if isinstance(document, dict):
        document = document.get("records")
    if not isinstance(document, list):
        raise RoksoImportError('JSON must be a list of records or {"records": [...]}')
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for index, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise RoksoImportError("record is not a JSON object", row=index)
        _check_columns(list(item), row=index)
        rows.append((index, item))
    return rows


def _check_columns(names: list[str], *, row: int) -> None:
    unknown = sorted(set(names) - set(COLUMNS))
    if unknown:
        raise RoksoImportError(
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}", row=row
        )


def _record(row: int, raw: Mapping[str, Any]) -> RoksoRecord:
    record_id = _text(row, raw, "record_id", required=True)
    if not _RECORD_ID.match(record_id):
        raise RoksoImportError(f"bad record id {record_id!r}", row=row, field="record_id")
    operation = _text(row, raw, "operation", required=True)
    return RoksoRecord(
        record_id=record_id.upper(),
        operation=operation,
        aliases=_items(row, raw, "aliases", _checked_name, normalize_name),
        domains=_items(row, raw, "domains", normalize_domain, str),
        netblocks=_items(row, raw, "netblocks", normalize_netblock, _netblock_key),
        reference_url=_reference_url(row, raw),
        sbl_ids=_items(row, raw, "sbl_ids", normalize_sbl_id, str),
    )


def _checked_name(text: str) -> str:
    normalize_name(text)  # raises when the alias has nothing to compare
    return text.strip()


def _text(row: int, raw: Mapping[str, Any], field: str, *, required: bool = False) -> str:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RoksoImportError("missing value", row=row, field=field)
        return ""
    if not isinstance(value, str):
        raise RoksoImportError(f"expected text, got {type(value).__name__}", row=row, field=field)
    if field == "operation":
        try:
            normalize_name(value)
        except InvalidValue as exc:
            raise RoksoImportError(str(exc), row=row, field=field) from None
    return value.strip()


def _items(
    row: int,
    raw: Mapping[str, Any],
    field: str,
    convert: Callable[[str], T],
    key: Callable[[T], str],
) -> tuple[T, ...]:
    value = raw.get(field)
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(_ITEM_SEPARATOR)]
    elif isinstance(value, list) and all(isinstance(p, str) for p in value):
        parts = [p.strip() for p in value]
    else:
        raise RoksoImportError("expected text or a list of text", row=row, field=field)
    parts = [p for p in parts if p]
    if len(parts) > MAX_ITEMS_PER_FIELD:
        raise RoksoImportError(f"more than {MAX_ITEMS_PER_FIELD} items", row=row, field=field)
    out: dict[str, T] = {}
    for part in parts:
        try:
            item = convert(part)
        except InvalidValue as exc:
            raise RoksoImportError(str(exc), row=row, field=field) from None
        out.setdefault(key(item), item)
    # Sorted, so an export that lists the same items in another order is not a change.
    return tuple(out[k] for k in sorted(out))


def _netblock_key(block: Netblock) -> str:
    return f"{block.version}:{int(block.network_address):039d}/{block.prefixlen:03d}"


def _reference_url(row: int, raw: Mapping[str, Any]) -> str | None:
    url = _text(row, raw, "reference_url")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RoksoImportError(f"not an http(s) URL: {url!r}", row=row, field="reference_url")
    return url
