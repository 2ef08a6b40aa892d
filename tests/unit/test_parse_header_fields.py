"""The parser's inline header-field storage equals the stdlib's on every odd header shape."""

from __future__ import annotations

import email
from email.message import Message
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.indexed import IndexedMessage, feed_text
from pipeline.parsing.splitter import parse_text

#: Both ways to the tree: the splitter (with its fallback), and ``FeedParser`` alone.
PARSERS = pytest.mark.parametrize("parse", [parse_text, feed_text], ids=["split", "feed"])

#: Header lines the stdlib treats specially (RFC 5322 §2.2.3 folding, mbox ``From `` lines,
#: an empty field name), mixed with ordinary fields and line ends.
LINES = [
    "Subject: hello\n",
    "Subject:no space\r\n",
    "X-Folded: first\n",
    " second\n",
    "\tthird\r\n",
    "From sender@example.org Sat Nov 21 10:00:00 2026\n",
    "From x\r\n",
    ": no name\n",
    "Content-Type: text/plain; charset=utf-8\n",
    "Empty:\n",
    "X-Tab:\t \tvalue\n",
    "Colons: a: b: c\n",
    "Received: from a.example by b.example;\n",
    "   Sat, 21 Nov 2026 10:00:00 +0000\n",
]


def _fields(msg: Message) -> list[Any]:
    return [
        (part.get_unixfrom(), list(part.raw_items()), [type(d).__name__ for d in part.defects])
        for part in msg.walk()
    ]


@pytest.mark.parametrize(
    "text",
    [
        "From me@example.org Sat Nov 21 10:00:00 2026\nSubject: x\n\nbody\n",
        " leading continuation\nSubject: x\n\nbody\n",
        "Subject: x\nFrom misplaced\nTo: y\n\nbody\n",
        "Subject: x\n: nameless\n\nbody\n",
        "Subject: x\nFrom last line\n",
    ],
)
@PARSERS
def test_odd_header_shapes_are_stored_like_the_stdlib(parse: Any, text: str) -> None:
    """Unix-from lines, leading continuations and nameless fields give the stdlib's fields."""
    assert _fields(parse(text)) == _fields(email.message_from_string(text))


@PARSERS
@settings(deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.sampled_from(["\n", "\r\n", ""]))
def test_any_header_block_is_stored_like_the_stdlib(parse: Any, lines: list[str], end: str) -> None:
    """Any mix of header lines yields the stdlib's fields, unix-from and defects."""
    text = "".join(lines) + end + "body\n"
    assert _fields(parse(text)) == _fields(email.message_from_string(text))


NESTED = (
    "Content-Type: multipart/mixed; boundary=outer\n\npreamble\n--outer\n"
    'Content-Type: multipart/alternative; boundary="in-ner"\n\n--in-ner\n'
    "Content-Type: text/plain\n\n- a dash line\n--not the boundary\n\r\n--in-ner--\n"
    "--outer\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a.example\n\n"
    "Final-Recipient: rfc822; b@example.org\nAction: failed\n\n--outer--\nepilogue\n"
)


def _tree(msg: Message) -> list[Any]:
    return [
        (
            part.get_content_type(),
            list(part.raw_items()),
            part.get_payload() if not part.is_multipart() else None,
            part.preamble,
            part.epilogue,
            [type(d).__name__ for d in part.defects],
        )
        for part in msg.walk()
    ]


@PARSERS
@settings(deadline=None)
@given(st.integers(0, len(NESTED)), st.sampled_from(["", "-", "--", "\n", "\r", "--outer\n", "x"]))
def test_boundary_and_blank_line_ends_split_parts_like_the_stdlib(
    parse: Any, cut: int, junk: str
) -> None:
    """Nested boundaries and delivery-status blocks, with junk spliced in, split alike."""
    text = NESTED[:cut] + junk + NESTED[cut:]
    assert _tree(parse(text)) == _tree(email.message_from_string(text))


PARAM_PIECES = [
    "multipart/mixed",
    "; ",
    ";",
    "\n ",
    "boundary=",
    "BOUNDARY = ",
    "boundary*0=",
    "boundary*=",
    "x=",
    '"',
    "\\",
    "----=_Part_1.2",
    "abc",
    "=_42a",
    "<b>",
    " ",
    "BOUNDARY0BLANKED0OUT",
    "us-ascii''",
    "boundary",
]


@settings(deadline=None)
@given(st.lists(st.sampled_from(PARAM_PIECES), max_size=10))
def test_boundary_equals_the_stdlib_answer(pieces: list[str]) -> None:
    """get_boundary of a Content-Type of quotes, escapes and RFC 2231 names is the stdlib's."""
    value = "".join(pieces)
    assert _build(IndexedMessage, value).get_boundary() == _build(Message, value).get_boundary()
    assert _build(IndexedMessage, value).get_boundary() == _build(Message, value).get_boundary()


@pytest.mark.parametrize(
    "value",
    [
        'multipart/mixed; x="boundary=abc"; boundary=BOUNDARY0BLANKED0OUT',
        'multipart/mixed; x="boundary=abc"; boundary*0=BOUNDARY0BLANK; boundary*1=ED0OUT',
        'multipart/mixed; x="boundary=abc"; boundary="\\BOUNDARY0BLANKED0OUT"',
        "multipart/mixed; boundary=abc; boundary=def",
        'multipart/alternative;\n boundary="----=_Part_77_1.2"',
    ],
)
def test_boundary_of_tricky_values_equals_the_stdlib_answer(value: str) -> None:
    """A boundary-like run in another parameter never stands in for the real boundary."""
    assert _build(IndexedMessage, value).get_boundary() == _build(Message, value).get_boundary()


def _build(cls: type[Message], content_type: str) -> Message:
    msg = cls()
    msg.set_raw("Content-Type", content_type)
    return msg


@settings(deadline=None)
@given(
    st.sampled_from(
        [None, "7bit", "8BIT", "base64", "Base64", "quoted-printable", "x-uue", "b\udcff"]
    ),
    st.sampled_from(["plain text\n", "aGVsbG8=\n", "caf=C3=A9\n", "\udcc3\udca9 8-bit\n", ""]),
)
def test_decoded_payload_equals_the_stdlib_answer(cte: str | None, payload: str) -> None:
    """get_payload(decode=True) gives the stdlib's bytes for any transfer encoding and payload."""
    msgs = [cls() for cls in (IndexedMessage, Message)]
    for msg in msgs:
        if cte is not None:
            msg.set_raw("Content-Transfer-Encoding", cte)
        msg.set_payload(payload)
    assert msgs[0].get_payload(decode=True) == msgs[1].get_payload(decode=True)
    assert msgs[0].get_payload() == msgs[1].get_payload()
