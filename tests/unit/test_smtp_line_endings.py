"""Bare CR/LF detection, the guard against SMTP smuggling end-of-data variants."""

from __future__ import annotations

import pytest

from listeners.smtp import has_bare_line_ending


@pytest.mark.parametrize(
    "data", [b"a\n.\nb\r\n", b"a\r.\r\n", b"a\r\n.\n", b"a\rb\r\n", b"a\r\n\n", b"\r", b"\n"]
)
def test_bare_cr_or_lf_is_detected(data: bytes) -> None:
    """Any CR or LF outside a CRLF pair is flagged."""
    assert has_bare_line_ending(data)


@pytest.mark.parametrize("data", [b"", b"a\r\n", b"a\r\n.\r\nb\r\n", b"\r\n\r\n"])
def test_crlf_only_data_passes(data: bytes) -> None:
    """Data whose every line ends in CRLF is not flagged."""
    assert not has_bare_line_ending(data)
