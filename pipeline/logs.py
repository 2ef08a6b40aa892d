"""Structured logs: one JSON object per line, with every configured secret scrubbed out.

Stages log events with ``extra={"fields": {...}}``; the formatter puts those fields beside
``ts``, ``level``, ``logger`` and ``msg``. The scrubber is the last line of defence for the
rule that the DQS key, API tokens and passwords never reach a log line: it replaces any
registered secret wherever it appears, even inside a query name or an exception text.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

REDACTED = "[redacted]"


class SecretScrubber:
    """Replaces registered secret values in text; shared by log formatting and error replies."""

    _secrets: ClassVar[set[str]] = set()

    @classmethod
    def register(cls, secrets: Iterable[str]) -> None:
        # Very short values would scrub ordinary words; real keys and tokens are long.
        cls._secrets.update(s for s in secrets if len(s) >= 6)

    @classmethod
    def scrub(cls, text: str) -> str:
        for secret in cls._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return SecretScrubber.scrub(json.dumps(entry, default=str, ensure_ascii=False))


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Send JSON lines to stderr at ``level``; call once at start-up with the config's secrets."""
    SecretScrubber.register(secrets)
    # The JSON lines never print the caller, thread or process: don't pay to look them up on
    # every record (the SMTP listener logs one line per session on its hot path).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
