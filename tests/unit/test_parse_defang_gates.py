"""The grouped defang check says what checking every defang mark one by one says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.parsing import offenders


def test_every_defang_mark_sits_in_one_gate_holding_its_key() -> None:
    """Each defang mark is in exactly one gate, and holds that gate's key."""
    grouped = [mark for _, marks in offenders._DEFANG_GATES for mark in marks]
    assert sorted(grouped) == sorted(offenders._DEFANG_MARKS)
    assert all(key in mark for key, marks in offenders._DEFANG_GATES for mark in marks)


PIECES = [
    "[",
    "(",
    "{",
    ".",
    "]",
    ")",
    "}",
    ":",
    "//",
    "dot",
    "DOT",
    "at",
    "@",
    "hxxp",
    "HXXP",
    "fxp://",
    "xp",
    " ",
    "\t",
    "a",
    "http://x.example",
    "é",
]


@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_grouped_check_equals_the_mark_by_mark_check(pieces: list[str]) -> None:
    """A text looks defanged to the grouped check exactly when a mark or a spaced dot is in it."""
    text = "".join(pieces)
    lowered = text.lower()
    one_by_one = any(mark in lowered for mark in offenders._DEFANG_MARKS) or (
        offenders._SPACED_DOT.search(lowered) is not None
    )
    assert offenders._looks_defanged(text) == one_by_one
