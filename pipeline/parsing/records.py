"""The ``parse --jsonl`` record: one JSON-ready dict per report file, the contract's shape.

``{"source", "ok", "error", "format", "category", "confidence", "reporter", "offenders"}``;
offenders are ``{"kind", "value", "role"}`` plus ``"reserved": true`` on a declared source in
a reserved range. Category and confidence come from ``classifiers.predict.classify_reports``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.config import ParsingConfig
from pipeline.models import Report
from pipeline.parsing import ParseFailure, ParseOutcome, parse_message


def record(source: str, outcome: ParseOutcome, verdict: Any = None) -> dict[str, Any]:
    """The contract's JSON object for one parsed (or failed) report."""
    if isinstance(outcome, ParseFailure):
        return {
            "source": source,
            "ok": False,
            "error": outcome.reason,
            "format": outcome.format,
            "category": None,
            "confidence": None,
            "reporter": None,
            "offenders": [],
        }
    return {
        "source": source,
        "ok": True,
        "error": None,
        "format": outcome.format,
        "category": verdict.label if verdict is not None else None,
        "confidence": round(float(verdict.confidence), 4) if verdict is not None else None,
        "reporter": outcome.reporter,
        "offenders": [o.to_json() for o in outcome.offenders],
    }


def _read(path: Path, config: ParsingConfig) -> ParseOutcome:
    try:
        size = path.stat().st_size
        if size > config.max_message_bytes:
            return ParseFailure(f"message of {size} bytes exceeds max_message_bytes")
        return parse_message(path.read_bytes(), config=config)
    except OSError as exc:
        return ParseFailure(f"cannot read file: {exc.strerror or exc}")


def parse_records(
    files: Iterable[Path], config: ParsingConfig, *, batch_size: int = 256, classify: bool = True
) -> Iterator[dict[str, Any]]:
    """Parse every file and yield its record, in input order, classifying in batches."""
    batch: list[tuple[str, ParseOutcome]] = []
    for path in files:
        batch.append((str(path), _read(path, config)))
        if len(batch) >= batch_size:
            yield from _flush(batch, classify)
            batch = []
    yield from _flush(batch, classify)


def _flush(batch: list[tuple[str, ParseOutcome]], classify: bool) -> Iterator[dict[str, Any]]:
    reports = [o for _, o in batch if isinstance(o, Report)]
    verdicts: list[Any] = [None] * len(reports)
    if classify and reports:
        from classifiers.predict import classify_reports

        verdicts = list(classify_reports(reports))
    found = iter(verdicts)
    for source, outcome in batch:
        yield record(source, outcome, next(found) if isinstance(outcome, Report) else None)
