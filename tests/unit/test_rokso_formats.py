"""Reading operator-held ROKSO exports (CSV and JSON) into validated records."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from pipeline.rokso.formats import RoksoImportError, detect_format, parse_register

DATA = Path(__file__).resolve().parent.parent / "data" / "rokso"
HEADER = "record_id,operation,aliases,domains,netblocks,reference_url,sbl_ids\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_csv_sample_reads_every_record_normalised() -> None:
    """The sample CSV yields three records with sorted, canonical list fields."""
    records = parse_register((DATA / "register.csv").read_bytes(), "csv")
    assert [r.record_id for r in records] == ["ROK8801", "ROK8802", "ROK8803"]
    assert records[0].netblocks == (
        ip_network("198.51.100.0/25"),
        ip_network("2001:db8:5100::/48"),
    )
    assert records[0].domains == ("abm-mailer.example", "atlanticbulk.example")
    assert records[2].netblocks == (ip_network("192.0.2.77/32"),)


def test_json_sample_accepts_lists_and_separated_strings() -> None:
    """JSON list fields may be arrays or ';'-separated strings (ROK8802's sbl_ids)."""
    records = parse_register((DATA / "register_v2.json").read_bytes(), "json")
    by_id = {r.record_id: r for r in records}
    assert by_id["ROK8802"].sbl_ids == ("SBL500201", "SBL500202")
    assert by_id["ROK8804"].aliases == ()


def test_host_bits_in_netblock_fail_naming_row_and_field() -> None:
    """A netblock with host bits set refuses the import, naming CSV line 3 and the column."""
    with pytest.raises(RoksoImportError, match=r"row 3, netblocks: '203\.0\.113\.70/26'") as err:
        parse_register((DATA / "malformed_netblock.csv").read_bytes(), "csv")
    assert (err.value.row, err.value.field) == (3, "netblocks")


def test_missing_operation_names_the_row() -> None:
    """A record without an operation name is refused with its row and field."""
    with pytest.raises(RoksoImportError, match="row 2, operation: missing value"):
        parse_register(_csv("ROK1,,,,,,"), "csv")


def test_duplicate_record_id_names_both_rows() -> None:
    """The same record id twice is refused, naming the first occurrence too."""
    with pytest.raises(RoksoImportError, match=r"row 3, record_id: .*first in row 2"):
        parse_register(_csv("ROK1,Alpha Mail,,,,,", "rok1,Beta Mail,,,,,"), "csv")


def test_unknown_column_is_refused() -> None:
    """A misspelt column fails fast instead of its data being ignored."""
    with pytest.raises(RoksoImportError, match=r"unknown field.*netblock\b"):
        parse_register(b"record_id,operation,netblock\nROK1,Alpha,192.0.2.1\n", "csv")


def test_header_without_required_column_is_refused() -> None:
    """A CSV whose header lacks the operation column is refused at line 1."""
    with pytest.raises(RoksoImportError, match=r"row 1: header lacks column\(s\) operation"):
        parse_register(b"record_id,domains\nROK1,alpha.example\n", "csv")


def test_bad_domain_and_sbl_id_are_refused() -> None:
    """An IP in the domains column and a malformed SBL id are errors, not silent drops."""
    with pytest.raises(RoksoImportError, match=r"row 2, domains: .*IP address"):
        parse_register(_csv("ROK1,Alpha,,192.0.2.1,,,"), "csv")
    with pytest.raises(RoksoImportError, match=r"row 2, sbl_ids: .*not an SBL record id"):
        parse_register(_csv("ROK1,Alpha,,,,,SBL-12"), "csv")


def test_reference_url_must_be_http() -> None:
    """A reference that is not an http(s) URL is refused."""
    with pytest.raises(RoksoImportError, match="reference_url: not an http"):
        parse_register(_csv("ROK1,Alpha,,,,javascript:alert(1),"), "csv")


def test_empty_register_is_refused() -> None:
    """A file with a header and no records would empty the register, so it is refused."""
    with pytest.raises(RoksoImportError, match="refusing to empty"):
        parse_register(HEADER.encode(), "csv")


def test_non_utf8_and_broken_json_are_refused() -> None:
    """Undecodable bytes and invalid JSON each give a clear import error."""
    with pytest.raises(RoksoImportError, match="not UTF-8"):
        parse_register(b"\xff\xfe\x00", "csv")
    with pytest.raises(RoksoImportError, match="not valid JSON"):
        parse_register(b'[{"record_id": ', "json")


def test_json_record_of_wrong_type_names_its_index() -> None:
    """A JSON record that is not an object is refused by its position."""
    with pytest.raises(RoksoImportError, match="row 2: record is not a JSON object"):
        parse_register(b'[{"record_id": "ROK1", "operation": "Alpha"}, "ROK2"]', "json")


def test_format_detected_by_suffix_then_content() -> None:
    """The suffix decides the format; without one, a leading bracket means JSON."""
    assert detect_format("export.CSV", b"[") == "csv"
    assert detect_format("export", b"  [{}]") == "json"
    assert detect_format("export", b"record_id,operation") == "csv"
