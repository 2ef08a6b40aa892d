"""Classify parsed reports into the AUP taxonomy.

INTERIM (lead's scaffold, to be replaced by the classifier work of issue 4): only structured
signals a format declared are used; the spaCy model is wired in by issue 4.
The signature of ``classify_reports`` is the contract ``abuse-pipeline parse`` relies on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import Report


@dataclass(frozen=True, slots=True)
class Verdict:
    """A report's taxonomy label, how sure we are, and what decided it."""

    label: str
    confidence: float
    #: ``structured`` (an unambiguous declared signal) or ``model``.
    decided_by: str


def classify_reports(reports: Sequence[Report]) -> list[Verdict | None]:
    """One verdict per report, in order; ``None`` where nothing could decide."""
    return [
        Verdict(r.declared_category, 1.0, "structured") if r.declared_category else None
        for r in reports
    ]
