"""Parsed reports: what the parse stage made of an intake record, stored beside its raw bytes.

A parsed report and the intake record's move to ``parsed`` are written in one transaction, so
a crash between the two can neither lose a parse nor record one twice; a quarantined record
keeps its raw bytes in intake and its reason in ``intake.error``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from pipeline.models import IntakeState, Report
from pipeline.store.engine import Migration, apply_migrations
from pipeline.store.intake import intake_table

COMPONENT = "reports"

_meta = MetaData()
reports_table = Table(
    "reports",
    _meta,
    Column("intake_id", Integer, ForeignKey(intake_table.c.id), primary_key=True),
    Column("format", String(32), nullable=False),
    Column("subject", Text, nullable=False),
    Column("reporter", Text),
    Column("category", String(32), index=True),
    Column("confidence", Float),
    #: ``structured`` or ``model``; null when nothing could classify the report.
    Column("decided_by", String(16)),
    Column("review", Integer, nullable=False),
    #: JSON array of the offenders in the ``parse --jsonl`` shape.
    Column("offenders", Text, nullable=False),
    Column("parsed_at", DateTime(timezone=True), nullable=False),
)


def _create_reports(conn: Connection) -> None:
    _meta.create_all(conn, tables=[reports_table])


MIGRATIONS: tuple[Migration, ...] = (_create_reports,)


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's verdict as the store keeps it."""

    label: str
    confidence: float
    decided_by: str
    review: bool


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """A stored parse result, as operators and later stages read it."""

    intake_id: int
    format: str
    subject: str
    reporter: str | None
    classification: Classification | None
    offenders: tuple[dict[str, Any], ...]
    parsed_at: datetime

    def to_json(self) -> dict[str, Any]:
        c = self.classification
        return {
            "intake_id": self.intake_id,
            "format": self.format,
            "subject": self.subject,
            "reporter": self.reporter,
            "category": c.label if c else None,
            "confidence": c.confidence if c else None,
            "decided_by": c.decided_by if c else None,
            "review": c.review if c else None,
            "offenders": list(self.offenders),
            "parsed_at": self.parsed_at.isoformat(),
        }


class ReportStore:
    """Parsed reports on SQLAlchemy Core, beside the intake table in the same database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        apply_migrations(engine, COMPONENT, MIGRATIONS)

    def record_parsed(
        self,
        intake_id: int,
        report: Report,
        classification: Classification | None,
        parsed_at: datetime,
    ) -> None:
        """Store the parse and move the intake record to ``parsed``, atomically and once."""
        values = {
            "intake_id": intake_id,
            "format": report.format,
            "subject": report.subject[:998],
            "reporter": report.reporter,
            "category": classification.label if classification else None,
            "confidence": classification.confidence if classification else None,
            "decided_by": classification.decided_by if classification else None,
            "review": int(classification.review) if classification else 1,
            "offenders": json.dumps([o.to_json() for o in report.offenders]),
            "parsed_at": parsed_at,
        }
        with self._engine.begin() as conn:
            exists = conn.execute(
                select(reports_table.c.intake_id).where(reports_table.c.intake_id == intake_id)
            ).first()
            if exists is None:
                conn.execute(insert(reports_table).values(**values))
            conn.execute(
                update(intake_table)
                .where(intake_table.c.id == intake_id)
                .values(state=IntakeState.PARSED.value, error=None)
            )

    def get(self, intake_id: int) -> ParsedReport | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(reports_table).where(reports_table.c.intake_id == intake_id)
            ).first()
        if row is None:
            return None
        m = row._mapping
        classification = (
            Classification(m["category"], m["confidence"], m["decided_by"], bool(m["review"]))
            if m["category"] is not None
            else None
        )
        return ParsedReport(
            intake_id=m["intake_id"],
            format=m["format"],
            subject=m["subject"],
            reporter=m["reporter"],
            classification=classification,
            offenders=tuple(json.loads(m["offenders"])),
            # SQLite hands back naive datetimes; everything the store writes is UTC.
            parsed_at=m["parsed_at"].replace(tzinfo=m["parsed_at"].tzinfo or UTC),
        )
