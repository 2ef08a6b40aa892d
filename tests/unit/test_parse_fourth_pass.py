"""The fourth speed pass's shortcuts answer what the code they replaced answered."""

from __future__ import annotations

import email
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import ParsingConfig
from pipeline.parsing.context import Context, reporter_of
from pipeline.parsing.detect import detect
from pipeline.parsing.mime import _first_text, header_block, walk_message
from pipeline.parsing.splitter import parse_bytes, parse_text
from pipeline.parsing.xarf import find_report_parts


def two_pass_header_block(msg: Any, limit: int | None = None) -> str:
    """The header block as built before this pass: names first, then one line per name."""
    first: dict[str, tuple[str, Any]] = {}
    names: dict[str, None] = {}
    for name, value in msg.raw_items():
        first.setdefault(name.lower(), (name, value))
        names.setdefault(name, None)
    lines, size = [], -1
    for name in names:
        line = f"{name}: {_first_text(msg, *first[name.lower()])}"
        lines.append(line)
        size += len(line) + 1
        if limit is not None and size >= limit:
            break
    return "\n".join(lines)


FIELD_NAMES = ["Received", "received", "RECEIVED", "From", "from", "Subject", "X-Spam"]
FIELD_VALUES = ["a", "b  c", "=?utf-8?q?caf=C3=A9?=", "x\n\ty", "long " * 30]


@given(
    st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.sampled_from(FIELD_VALUES)), max_size=12),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_one_pass_header_block_equals_the_two_pass_block(
    fields: list[tuple[str, str]], limit: int | None
) -> None:
    """Repeated names in any case, encoded words and limits give the two-pass block's text."""
    msg = parse_text("".join(f"{n}: {v}\n" for n, v in fields) + "\nbody\n")
    assert header_block(msg, limit) == two_pass_header_block(msg, limit)


XARF_MAIL = (
    b"From: reports@reporter.example\nTo: abuse@desk.example\nSubject: report\n"
    b"Content-Type: text/plain\n\n"
    b"---\nReported-From: reports@reporter.example\nReport-Type: login-attack\n"
    b"Source: 203.0.113.7\n"
)


def test_report_parts_are_found_once_and_handed_out_as_fresh_lists() -> None:
    """Detection and the parser share one search; each caller gets its own list."""
    tree = walk_message(XARF_MAIL, ParsingConfig())
    ctx = Context(tree=tree, config=ParsingConfig(), reporter=reporter_of(tree.root))
    assert detect(ctx).name == "xarf"
    first = find_report_parts(ctx)
    first.clear()
    assert [kind for kind, _ in find_report_parts(ctx)] == ["yaml"]


@given(
    st.sampled_from(["From", "from", "X-Note", "x-none"]),
    st.sampled_from([b"plain", b"caf\xc3\xa9", b"=?utf-8?q?x?=", b"\xff\xfe"]),
)
def test_inlined_get_answers_like_the_stdlib_message(name: str, value: bytes) -> None:
    """``IndexedMessage.get`` returns the stdlib's answer for ASCII, 8-bit and absent fields."""
    raw = b"From: a@reporter.example\nX-Note: " + value + b"\n\nbody\n"
    ours = parse_bytes(raw).get(name)
    theirs = email.message_from_bytes(raw).get(name)
    assert (type(ours), str(ours)) == (type(theirs), str(theirs))
