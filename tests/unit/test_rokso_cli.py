"""`abuse-pipeline rokso import|list|show|match|versions` through the CLI entry point."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "rokso"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    # The CLI configures the root logger for its process; give pytest's handlers back.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _run(tmp_path: Path, *args: str) -> int:
    return main(["rokso", *args, "--data-dir", str(tmp_path)])


def test_import_prints_version_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Importing the sample reports version 1 and the three added record ids."""
    assert _run(tmp_path, "import", str(DATA / "register.csv")) == 0
    out = capsys.readouterr().out
    assert "version 1: 3 records" in out and "added: 3 (ROK8801, ROK8802, ROK8803)" in out


def test_reimport_with_changes_reports_the_diff_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed export becomes version 2; --json prints the diff summary."""
    _run(tmp_path, "import", str(DATA / "register.csv"))
    capsys.readouterr()
    assert (
        _run(tmp_path, "import", "--json", "--format", "json", str(DATA / "register_v2.json")) == 0
    )
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["created"] and outcome["version"] == 2
    assert outcome["diff"] == {"added": ["ROK8804"], "removed": ["ROK8803"], "changed": ["ROK8802"]}


def test_malformed_file_is_refused_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad netblock exits 1 with the row and field on stderr, and stores nothing."""
    assert _run(tmp_path, "import", str(DATA / "malformed_netblock.csv")) == 1
    assert "row 3, netblocks" in capsys.readouterr().err
    assert _run(tmp_path, "versions") == 0
    assert capsys.readouterr().out == ""


def test_missing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that cannot be read exits 1 with the reason."""
    assert _run(tmp_path, "import", str(tmp_path / "absent.csv")) == 1
    assert "absent.csv" in capsys.readouterr().err


def test_match_prints_evidence_and_exits_like_grep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """match prints one JSON match per line and exits 0, or exits 1 when nothing matches."""
    _run(tmp_path, "import", str(DATA / "register.csv"))
    capsys.readouterr()
    assert _run(tmp_path, "match", "203.0.113.100") == 0
    match = json.loads(capsys.readouterr().out)
    assert (match["record_id"], match["kind"]) == ("ROK8802", "ip_in_netblock")
    assert _run(tmp_path, "match", "192.0.2.1") == 1


def test_list_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """list prints one record per line; show prints a record as JSON or exits 1 if absent."""
    _run(tmp_path, "import", str(DATA / "register.csv"))
    capsys.readouterr()
    assert _run(tmp_path, "list") == 0
    assert "ROK8803\tNimbus Leadgen" in capsys.readouterr().out
    assert _run(tmp_path, "show", "ROK8803") == 0
    assert json.loads(capsys.readouterr().out)["netblocks"] == ["192.0.2.77/32"]
    assert _run(tmp_path, "show", "ROK0000") == 1
