"""Report timestamps (Arrival-Date, Date, Received, X-ARF Date) normalised to UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Three letters in a row: any month name ``parsedate_to_datetime`` accepts has them.
_MONTH_NAME = re.compile(r"[A-Za-z]{3}")


def to_utc(value: str | None) -> datetime | None:
    """Parse an RFC 5322 or ISO 8601 timestamp to an aware UTC datetime; ``None`` if unreadable.

    A timestamp without a zone is taken as UTC (RFC 5322 §3.3 ``-0000`` means the same).
    """
    if not value:
        return None
    text = " ".join(str(value).split())
    parsed: datetime | None = None
    # RFC 5322 dates name their month (``Nov``): text without three letters in a row is no
    # such date, and the stdlib would only fail on it (an exception, costly) to say so.
    if _MONTH_NAME.search(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        iso = text.replace(" ", "T", 1) if len(text) > 10 and text[10] == " " else text
        try:
            parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
