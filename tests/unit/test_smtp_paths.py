"""The fast path for MAIL FROM / RCPT TO paths gives exactly what aiosmtpd's own parser gives."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given
from hypothesis import strategies as st

from listeners.smtp_paths import plain_path

_PIECES = st.text(alphabet="aZ9.-_+=!'`~|{}#$%&*/?^ ", max_size=8)
_NOISE = st.text(alphabet='aZ9.-_@<>()[]:;,"\\ \t\ré=', max_size=12)


def library(arg: str) -> tuple[str | None, str | None]:
    """aiosmtpd's ``SMTP._getaddr`` (header parser) with no local-part limit."""
    return SMTP._getaddr(cast(SMTP, SimpleNamespace(local_part_limit=0)), arg)


@given(local=_PIECES, domain=_PIECES, tail=_NOISE)
def test_fast_path_matches_the_library_on_path_shaped_input(
    local: str, domain: str, tail: str
) -> None:
    """Whenever the fast path answers for ``<local@domain>tail``, the library answers the same."""
    arg = f"<{local}@{domain}>{tail}"
    fast = plain_path(arg)
    if fast is not None:
        assert fast == library(arg)


@given(arg=_NOISE)
def test_fast_path_matches_the_library_on_arbitrary_input(arg: str) -> None:
    """Whenever the fast path answers for any argument text, the library answers the same."""
    fast = plain_path(arg)
    if fast is not None:
        assert fast == library(arg)


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("<abuse@example.net>", ("abuse@example.net", "")),
        (
            "<reporter@mx.example> SIZE=4096 BODY=8BITMIME",
            ("reporter@mx.example", "SIZE=4096 BODY=8BITMIME"),
        ),
        ("<a.b+tag@example.net>\t SIZE=1", ("a.b+tag@example.net", "SIZE=1")),
    ],
)
def test_plain_paths_take_the_fast_path(arg: str, expected: tuple[str, str]) -> None:
    """A plain ``<dot-atom@dot-atom>`` path with parameters is read without the header parser."""
    assert plain_path(arg) == expected == library(arg)


@pytest.mark.parametrize(
    "arg",
    [
        '<"quoted local"@example.net>',
        "<a@[192.0.2.1]>",
        "<>",
        "<a..b@example.net>",
        "<a@example.net.>",
        "<@relay.example:a@example.net>",
        "<a@example.net> (comment)",
        "<réporter@example.net>",
        "a@example.net",
    ],
)
def test_other_forms_are_left_to_the_library(arg: str) -> None:
    """Quoted, literal, null, malformed, routed, commented and non-ASCII paths go the slow way."""
    assert plain_path(arg) is None
