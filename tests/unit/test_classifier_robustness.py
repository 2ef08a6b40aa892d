"""The classifier never raises, whatever the report looks like."""

from __future__ import annotations

import random

from classifiers.mailparse import report_from_message
from classifiers.predict import classify_reports
from pipeline.models import Report


def test_empty_report_gets_a_review_verdict() -> None:
    """A report with no text at all gets a verdict, flagged for review when unsure."""
    verdict = classify_reports([Report(format="freetext")])[0]
    assert verdict is not None and 0.0 <= verdict.confidence <= 1.0


def test_huge_report_is_classified() -> None:
    """A report with a 20 MB body is classified without error."""
    verdict = classify_reports([Report(format="freetext", body="x y z " * 3_500_000)])[0]
    assert verdict is not None


def test_binary_input_is_classified() -> None:
    """Random bytes through the parser and the classifier yield a verdict, not an exception."""
    raw = random.Random(4).randbytes(50_000)
    verdict = classify_reports([report_from_message(raw)])[0]
    assert verdict is not None


def test_control_characters_are_harmless() -> None:
    """NUL bytes and other control characters in text do not break the model input."""
    verdict = classify_reports([Report(format="freetext", subject="\x00\x01", body="\x00" * 99)])
    assert verdict[0] is not None


def test_one_verdict_per_report_in_order() -> None:
    """The result list matches the input list one to one."""
    reports = [Report(format="freetext", body=str(i)) for i in range(7)]
    assert len(classify_reports(reports)) == 7
