"""`abuse-pipeline classify predict` and the keyword baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.keywords import keyword_label
from pipeline.cli import main
from pipeline.models import Report

NOTICE = b"""From: cert@cert.example
Subject: Botnet infection: 192.0.2.9 contacted our sinkhole

The host 192.0.2.9 is infected with malware and contacted our botnet sinkhole.
"""


def test_predict_prints_one_json_line_per_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Each message file gives one JSON line with a label and a confidence."""
    (tmp_path / "a.eml").write_bytes(NOTICE)
    assert main(["classify", "predict", str(tmp_path / "a.eml")]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["ok"] and 0 <= line["confidence"] <= 1 and line["label"]


def test_predict_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read gives ``ok: false`` with the reason, not a crash."""
    assert main(["classify", "predict", str(tmp_path / "missing.eml")]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_keyword_baseline_matches_its_rules() -> None:
    """The baseline labels a report by the first keyword rule that matches."""
    assert keyword_label(Report(format="freetext", subject="DMCA notice")) == "copyright"
