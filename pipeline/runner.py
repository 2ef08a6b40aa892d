"""The intake runner: moves stored reports through parse and classify, and records the outcome.

Stages (``parse_message``, ``classify_reports``) are plain functions that never touch the
store; this runner is the one place that reads received reports, writes results and sends
failures down the named error path — ``quarantine``, with the reason, raw bytes kept in
intake. A report the runner could not finish (the store failing mid-batch) stays
``received`` and is taken again on the next pass: nothing is dropped, and the parse result
is written once (``ReportStore.record_parsed`` is idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from pipeline.clock import Clock, SystemClock
from pipeline.config import Config
from pipeline.models import IntakeRecord, IntakeState, Report
from pipeline.parsing import ParseFailure, parse_message
from pipeline.store.intake import SqlIntakeStore
from pipeline.store.reports import Classification, ReportStore

log = logging.getLogger(__name__)

#: The named output paths of a pass, as logged and counted.
PARSED = "parsed"
QUARANTINE = "quarantine"


@dataclass(frozen=True, slots=True)
class PassSummary:
    """What one pass over the received reports did."""

    parsed: int = 0
    quarantined: int = 0


class IntakeRunner:
    """Parses and classifies received reports; unparseable ones go to quarantine."""

    def __init__(self, engine: Engine, config: Config, clock: Clock | None = None) -> None:
        self._intake = SqlIntakeStore(engine)
        self._reports = ReportStore(engine)
        self._config = config
        self._clock = clock or SystemClock()

    def run_pass(self) -> PassSummary:
        """Take up to one batch of received reports through the stages (blocking)."""
        records = self._intake.list(IntakeState.RECEIVED, limit=self._config.worker.batch_size)
        parsed: list[tuple[IntakeRecord, Report]] = []
        quarantined = 0
        for record in records:
            outcome = parse_message(self._intake.raw(record.id), config=self._config.parsing)
            if isinstance(outcome, ParseFailure):
                self._intake.set_state(record.id, IntakeState.QUARANTINED, error=outcome.reason)
                quarantined += 1
                _log_outcome(record, QUARANTINE, reason=outcome.reason)
            else:
                parsed.append((record, outcome))
        for (record, report), classification in zip(
            parsed, self._classify([r for _, r in parsed]), strict=True
        ):
            self._reports.record_parsed(record.id, report, classification, self._clock.now())
            _log_outcome(
                record,
                PARSED,
                format=report.format,
                category=classification.label if classification else None,
                offenders=len(report.offenders),
            )
        return PassSummary(parsed=len(parsed), quarantined=quarantined)

    def _classify(self, reports: list[Report]) -> list[Classification | None]:
        if not reports:
            return []
        from classifiers.predict import classify_reports

        try:
            verdicts = classify_reports(reports, self._config.classifier)
        except Exception:
            # A classifier fault must not hold parsed reports hostage: they are stored
            # unclassified (review) and the fault is logged for the operator.
            log.exception("classifier failed; reports stored unclassified for review")
            return [None] * len(reports)
        return [
            Classification(v.label, v.confidence, v.decided_by, v.review) if v else None
            for v in verdicts
        ]


def _log_outcome(record: IntakeRecord, path: str, **fields: object) -> None:
    log.info(
        "report %s", path,
        extra={"fields": {"event": "report_" + path, "intake_id": record.id,
                          "sha256": record.sha256, **fields}},
    )


class IntakeRunnerComponent:
    """Runs passes in a worker thread, polling, until the service stops."""

    name = "runner"

    def __init__(self, config: Config, engine: Callable[[], Engine]) -> None:
        self._config = config
        self._engine = engine
        self._task: asyncio.Task[None] | None = None
        self._runner: IntakeRunner | None = None

    async def start(self) -> None:
        self._runner = await asyncio.to_thread(IntakeRunner, self._engine(), self._config)
        self._task = asyncio.create_task(self._loop(), name="intake-runner")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # A pass already in its thread finishes its current writes; that is safe.
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        assert self._runner is not None
        interval = self._config.worker.poll_interval
        while True:
            try:
                summary = await asyncio.to_thread(self._runner.run_pass)
            except Exception:
                # e.g. the database is locked or gone: the reports stay received; retry later.
                log.exception("intake pass failed; will retry")
                summary = PassSummary()
            if summary.parsed + summary.quarantined < self._config.worker.batch_size:
                await asyncio.sleep(interval)
