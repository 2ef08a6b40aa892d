"""`abuse-pipeline parse --jsonl`: the contract other tools read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
AOL = CORPUS / "abuseio-notifier-samples" / "feedback-loop" / "AOL_example_1.eml"
KEYS = ["source", "ok", "error", "format", "category", "confidence", "reporter", "offenders"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    status = main(["parse", "--jsonl", *args])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return status, lines


def test_one_record_per_file_with_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """A message file gives one JSON line with exactly the contract's keys and values."""
    status, lines = run(capsys, str(AOL))
    assert status == 0 and len(lines) == 1 and list(lines[0]) == KEYS
    assert lines[0]["offenders"][0] == {
        "kind": "ip",
        "value": "10.17.18.1",
        "role": "source",
        "reserved": True,
    }
    assert (lines[0]["ok"], lines[0]["format"], lines[0]["reporter"]) == (
        True,
        "arf",
        "scomp@aol.net",
    )


def test_directories_are_walked_sorted_in_input_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Directories are walked recursively in sorted order, after files named before them."""
    (tmp_path / "b").mkdir()
    shutil.copy(AOL, tmp_path / "b" / "2.eml")
    shutil.copy(AOL, tmp_path / "b" / "1.eml")
    shutil.copy(AOL, tmp_path / "0.eml")
    _, lines = run(capsys, str(AOL), str(tmp_path))
    assert [Path(str(r["source"])).name for r in lines] == [
        "AOL_example_1.eml",
        "0.eml",
        "1.eml",
        "2.eml",
    ]


def test_unparseable_file_is_ok_false_with_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a report yields ok:false and the reason, exit status still 0."""
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01 not mail")
    status, lines = run(capsys, str(tmp_path))
    assert status == 0
    assert (lines[0]["ok"], lines[0]["offenders"], lines[0]["category"]) == (False, [], None)
    assert lines[0]["error"]


def test_missing_path_is_misuse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A path that does not exist is a usage error (exit 2), not a record."""
    assert main(["parse", "--jsonl", str(tmp_path / "nope")]) == 2


def test_structured_category_reaches_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    """The classifier's verdict fills category and confidence (ARF abuse is spam)."""
    _, lines = run(capsys, str(AOL))
    assert lines[0]["category"] == "spam"
    assert isinstance(lines[0]["confidence"], float) and 0.0 <= lines[0]["confidence"] <= 1.0


def test_a_thousand_files_in_one_invocation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,000+ files are parsed in one process, one line each, in order."""
    raw = AOL.read_bytes()
    for i in range(1001):
        (tmp_path / f"{i:04d}.eml").write_bytes(raw)
    status, lines = run(capsys, str(tmp_path))
    assert status == 0 and len(lines) == 1001 and all(r["ok"] for r in lines)
    assert Path(str(lines[-1]["source"])).name == "1000.eml"
