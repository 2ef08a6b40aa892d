"""Reading the DATA section in large chunks instead of line by line.

aiosmtpd reads DATA one line at a time, which costs a Python-level stream call per 78-byte
line and dominates the listener's CPU profile. This reader scans chunks for the one true end
of data, ``CRLF . CRLF`` (RFC 5321 §4.1.1.4), then applies the same rules as aiosmtpd to the
whole message at once: size limit (RFC 1870), line length (RFC 5321 §4.5.3.1.6) and removal
of transparency dots (RFC 5321 §4.5.2). Bare CR/LF are not end markers here either, so every
smuggling variant stays inside the message, where the handler refuses it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from listeners import smtp_replies as replies

#: RFC 5321 §4.1.1.4: the only sequence that ends the mail data.
END_OF_DATA = b"\r\n.\r\n"
#: Bytes requested from the stream per read.
CHUNK = 256 * 1024
#: Longest text line without its CRLF: 998 octets (RFC 5321 §4.5.3.1.6) plus a transparency dot.
MAX_LINE = replies.TEXT_LINE_LIMIT - 2


@dataclass(frozen=True, slots=True)
class DataRead:
    """The message as received (dots removed), or the refusal; ``rest`` follows the end marker."""

    content: bytes | None
    refusal: str | None
    rest: bytes


async def read_data(
    reader: asyncio.StreamReader, size_limit: int | None, on_progress: Callable[[], None]
) -> DataRead | None:
    """Read up to and including the end-of-data marker; None if the peer went away."""
    # The CRLF that ended the DATA command starts the first line, so ".\r\n" right away ends
    # an empty message just as CRLF.CRLF does later on.
    buf = bytearray(b"\r\n")
    scan_from = 0
    discarded = 0
    while (end := buf.find(END_OF_DATA, scan_from)) < 0:
        if size_limit is not None and discarded + len(buf) - 2 > size_limit:
            # Too big: keep reading to the end marker (RFC 5321 §4.2.5 answers after the
            # data), but hold only the tail that may begin the marker.
            keep = len(END_OF_DATA) - 1
            discarded += len(buf) - keep
            del buf[:-keep]
        chunk = await reader.read(CHUNK)
        if not chunk:
            return None
        on_progress()
        scan_from = max(0, len(buf) - len(END_OF_DATA) + 1)
        buf += chunk
    rest = bytes(buf[end + len(END_OF_DATA) :])
    # ``end`` is the length of the data as sent (dot-stuffed, final CRLF included).
    if discarded or (size_limit is not None and end > size_limit):
        return DataRead(None, replies.TOO_BIG, rest)
    stuffed = bytes(buf[2 : end + 2])
    if max(map(len, stuffed.split(b"\r\n"))) > MAX_LINE:
        return DataRead(None, replies.LINE_TOO_LONG, rest)
    content = stuffed[1:] if stuffed.startswith(b".") else stuffed
    return DataRead(content.replace(b"\r\n.", b"\r\n"), None, rest)
