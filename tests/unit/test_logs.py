"""Log lines are JSON and never carry a configured secret."""

from __future__ import annotations

import json
import logging

import pytest

from pipeline.logs import REDACTED, JsonFormatter, SecretScrubber


def _record(msg: str, **fields: object) -> logging.LogRecord:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, None, None)
    record.fields = fields
    return record


def test_line_is_json_with_fields() -> None:
    """A log record becomes one JSON object carrying its structured fields."""
    line = JsonFormatter().format(_record("session done", code=250))
    entry = json.loads(line)
    assert entry["msg"] == "session done"
    assert entry["code"] == 250


def test_registered_secret_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registered secret is replaced wherever it appears, even inside a query name."""
    monkeypatch.setattr(SecretScrubber, "_secrets", set())
    SecretScrubber.register(["abcdef123456"])
    line = JsonFormatter().format(_record("query 2.0.0.127.abcdef123456.zen.dq.spamhaus.net"))
    assert "abcdef123456" not in line
    assert REDACTED in line


def test_short_values_are_not_treated_as_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values too short to be real keys are not registered, so ordinary words survive."""
    monkeypatch.setattr(SecretScrubber, "_secrets", set())
    SecretScrubber.register(["abc"])
    assert SecretScrubber.scrub("abcdef") == "abcdef"
