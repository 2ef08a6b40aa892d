"""Training variants look like reports as the parser really produces them."""

from __future__ import annotations

import random

from classifiers.augment import as_forward, as_quoted_reply
from pipeline.models import Report

REPORT = Report(format="freetext", subject="Phishing on 192.0.2.7", body="A fake bank login.")


def test_forward_moves_original_into_evidence() -> None:
    """A plain report forwarded becomes a ``forwarded`` report whose evidence is the original."""
    forwarded = as_forward(REPORT, random.Random(1))
    assert forwarded.format == "forwarded" and "A fake bank login." in forwarded.evidence


def test_forward_of_structured_report_keeps_its_format() -> None:
    """An ARF report forwarded keeps its format and fields, as the parser still finds them."""
    arf = Report(format="arf", body="abuse", fields={"feedback_type": "abuse"})
    assert as_forward(arf, random.Random(1)).fields == {"feedback_type": "abuse"}


def test_quoted_reply_quotes_the_body() -> None:
    """A quoted reply keeps the report's body as ``>`` lines under a note."""
    assert "> A fake bank login." in as_quoted_reply(REPORT, random.Random(1)).body
