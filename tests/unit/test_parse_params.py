"""Parameters read from plain field values equal the stdlib's answers for every value."""

from __future__ import annotations

from email.message import Message
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.indexed import IndexedMessage
from pipeline.parsing.params import plain_parameter

PIECES = [
    "multipart/mixed",
    "text/plain",
    "attachment",
    "filename",
    "; ",
    ";",
    " ; ",
    "\n\t",
    "\r\n ",
    " ",
    "\x1c",
    "=",
    " = ",
    "boundary",
    "BOUNDARY",
    "charset",
    "Charset",
    "name",
    "filename",
    "filename*",
    "*0",
    '"',
    "\\",
    "<",
    ">",
    "----=_Part_1.2",
    "UTF-8",
    "report 1.csv",
    "a.eml",
    "x",
    "=_",
    "us-ascii''",
    "caf\u00e9",
]


def _answers(content_type: str | None, disposition: str | None) -> list[Any]:
    answers = []
    for cls in (IndexedMessage, Message):
        msg = cls()
        if content_type is not None:
            msg.set_raw("Content-Type", content_type)
        if disposition is not None:
            msg.set_raw("Content-Disposition", disposition)
        answers.append(
            [
                msg.get_content_type(),
                msg.get_content_charset(),
                msg.get_content_charset("fallback"),
                msg.get_boundary(),
                msg.get_boundary("fallback"),
                msg.get_filename(),
                msg.get_filename("fallback"),
            ]
        )
    return answers


VALUES = st.one_of(st.none(), st.lists(st.sampled_from(PIECES), max_size=12).map("".join))


@settings(deadline=None, max_examples=500)
@given(VALUES, VALUES)
def test_type_charset_boundary_and_file_name_equal_the_stdlib_answers(
    content_type: str | None, disposition: str | None
) -> None:
    """Content type, charset, boundary and file name of any pair of fields are the stdlib's."""
    ours, stdlib = _answers(content_type, disposition)
    assert ours == stdlib


@pytest.mark.parametrize(
    ("value", "name", "answer"),
    [
        ('multipart/mixed; boundary="----=_Part_1.2"', "boundary", "----=_Part_1.2"),
        ("multipart/report; report-type=feedback-report;\n\tboundary=b1", "boundary", "b1"),
        ('text/plain; charset="UTF-8"; format=flowed', "charset", "UTF-8"),
        ('attachment; filename="report 1.csv"', "filename", "report 1.csv"),
        ("text/plain; Charset = us-ascii ;", "charset", "us-ascii"),
        ("text/plain; charset=a; charset=b", "charset", "a"),
        ("text/plain", "charset", None),
    ],
)
def test_plain_values_are_read_without_the_stdlib(value: str, name: str, answer: str) -> None:
    """The field values reports carry are plain: read directly, first parameter of a name."""
    assert plain_parameter(value, name) == (True, answer)


@pytest.mark.parametrize(
    "value",
    [
        "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt",
        'text/plain; charset="a\\"b"',
        "text/plain; name=<x>",
        'text/plain; name="a;b"',
        "text/plain; format",
        "charset; x=1",
        "text/plain; charset=caf\u00e9",
    ],
)
def test_values_that_are_not_plain_are_left_to_the_stdlib(value: str) -> None:
    """RFC 2231 names, escapes, angle brackets, quoted semicolons and 8-bit text are not plain."""
    name = "charset" if "charset" in value else "name" if " name" in value else "filename"
    assert plain_parameter(value, name) == (False, None)
