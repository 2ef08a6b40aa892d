"""Timestamps in reports are normalised to UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.parsing.dates import to_utc


@pytest.mark.parametrize(
    "value",
    ["Tue, 19 Jan 2016 14:32:40 -0500", "2016-01-19T19:32:40Z", "2016-01-19 20:32:40+01:00"],
)
def test_rfc5322_and_iso_dates_normalise_to_utc(value: str) -> None:
    """RFC 5322 and ISO 8601 forms of one instant give the same UTC datetime."""
    assert to_utc(value) == datetime(2016, 1, 19, 19, 32, 40, tzinfo=UTC)


def test_unreadable_date_is_none() -> None:
    """A date that cannot be read gives None rather than an exception."""
    assert to_utc("This is not a date") is None
