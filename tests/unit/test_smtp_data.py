"""The chunked DATA reader: end marker, transparency dots, size and line limits, leftovers."""

from __future__ import annotations

import asyncio

import pytest

from listeners import smtp_replies as replies
from listeners.smtp_data import DataRead, read_data


async def read(stream: bytes, size_limit: int | None = None, piece: int = 0) -> DataRead | None:
    reader = asyncio.StreamReader()
    pieces = [stream[i : i + piece] for i in range(0, len(stream), piece)] if piece else [stream]
    for part in pieces:
        reader.feed_data(part)
    reader.feed_eof()
    return await read_data(reader, size_limit, lambda: None)


async def test_message_ends_at_crlf_dot_crlf() -> None:
    """The content is everything before CRLF.CRLF, its own final CRLF included."""
    assert await read(b"Subject: x\r\n\r\nbody\r\n.\r\n") == DataRead(
        b"Subject: x\r\n\r\nbody\r\n", None, b""
    )


async def test_lone_dot_first_is_an_empty_message() -> None:
    """A dot line straight after DATA ends an empty message."""
    assert await read(b".\r\nQUIT\r\n") == DataRead(b"", None, b"QUIT\r\n")


async def test_transparency_dots_are_removed() -> None:
    """A leading dot added by the client (RFC 5321 §4.5.2) is removed from every line."""
    got = await read(b"..first\r\nmid\r\n..\r\n...x\r\n.\r\n")
    assert got is not None and got.content == b".first\r\nmid\r\n.\r\n..x\r\n"


async def test_marker_split_across_reads_is_found() -> None:
    """The end marker is recognised when it arrives one byte at a time."""
    got = await read(b"a\r\nb\r\n.\r\nNOOP\r\n", piece=1)
    assert got == DataRead(b"a\r\nb\r\n", None, b"NOOP\r\n")


@pytest.mark.parametrize("fake_end", [b"\n.\n", b"\r.\r\n", b"\n.\r\n", b"\r\n.\n"])
async def test_bare_line_ending_dots_do_not_end_data(fake_end: bytes) -> None:
    """Smuggling look-alikes stay inside the content for the handler to refuse."""
    got = await read(b"a" + fake_end + b"MAIL FROM:<x@y>\r\n.\r\n")
    assert got is not None and fake_end.replace(b"\r\n.", b"\r\n") in (got.content or b"")


@pytest.mark.parametrize("piece", [0, 7])
async def test_oversize_is_refused_after_the_end_marker(piece: int) -> None:
    """Data over the limit yields 552 5.3.4 once the end marker arrived, leftovers kept."""
    got = await read(b"x" * 98 + b"\r\n" + b"y" * 50 + b"\r\n.\r\nRSET\r\n", 100, piece)
    assert got == DataRead(None, replies.TOO_BIG, b"RSET\r\n")


async def test_data_exactly_at_the_limit_is_accepted() -> None:
    """A message whose size equals the limit is not refused."""
    got = await read(b"x" * 98 + b"\r\n.\r\n", 100)
    assert got is not None and got.content == b"x" * 98 + b"\r\n"


async def test_overlong_line_is_refused() -> None:
    """A line longer than RFC 5321 allows yields 500 5.5.2."""
    got = await read(b"a" * 1000 + b"\r\n.\r\n")
    assert got is not None and got.refusal == replies.LINE_TOO_LONG


async def test_peer_closing_mid_data_returns_none() -> None:
    """A connection that ends before the end marker gives no message at all."""
    assert await read(b"half a report\r\n") is None
