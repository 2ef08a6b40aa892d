"""The indexed message and its parser answer exactly as the stdlib's Message and parser do."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.indexed import IndexedMessage, feed_bytes
from tests.support.mime_tree import tree_shape

CORPUS = sorted((Path(__file__).parent.parent / "data" / "corpus").rglob("*.eml"))
NAMES = ["Content-Type", "content-type", "Content-Disposition", "Subject", "X-Tag"]
VALUES = [
    "text/plain",
    'text/plain; charset="UTF-8"',
    "text/html; charset=iso-8859-1; format=flowed",
    "multipart/mixed; boundary=abc",
    'application/octet-stream; name="report.csv"',
    "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt",
    'inline; filename="a.txt"',
    "nonsense",
    "text/plain; charset*=us-ascii'en'utf-8",
    "caf\udcc3\udca9; charset=\udcff",
    "",
]
MUTATIONS = st.sampled_from(["replace", "append", "delete", "set_param", "default"])


def _build(cls: type[Message], fields: list[tuple[str, str]]) -> Message:
    msg = cls()
    for name, value in fields:
        msg.set_raw(name, value)
    return msg


def _mutate(msg: Message, how: str, value: str) -> None:
    if how == "replace" and "content-type" in [k.lower() for k in msg]:
        msg.replace_header("Content-Type", value)
    elif how == "append":
        msg["Content-Type"] = value
    elif how == "delete":
        del msg["content-type"]
    elif how == "set_param":
        msg.set_param("charset", "koi8-r")
    else:
        msg.set_default_type("message/rfc822")


def _answers(msg: Message) -> list[Any]:
    def safe(call: Any) -> Any:
        try:
            return call()
        except Exception as exc:  # the same failure counts as the same answer
            return type(exc)

    return [
        [str(safe(lambda n=n: msg.get(n))) for n in [*NAMES, "missing"]],
        [[str(v) for v in msg.get_all(n) or []] for n in NAMES],
        [n in msg for n in [*NAMES, "missing"]],
        safe(msg.get_content_type),
        safe(msg.get_content_maintype),
        safe(msg.get_content_charset),
        safe(lambda: msg.get_content_charset("fallback")),
        safe(msg.get_filename),
        safe(lambda: msg.get_filename("fallback")),
    ]


FIELDS = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=6)


@given(FIELDS, st.lists(st.tuples(MUTATIONS, st.sampled_from(VALUES)), max_size=3))
def test_indexed_message_answers_like_message_through_mutations(
    fields: list[tuple[str, str]], mutations: list[tuple[str, str]]
) -> None:
    """Header look-ups, type, charset and file name equal Message's, before and after edits."""
    plain, indexed = _build(Message, fields), _build(IndexedMessage, fields)
    assert _answers(indexed) == _answers(plain)
    for how, value in mutations:
        _mutate(plain, how, value)
        _mutate(indexed, how, value)
        assert _answers(indexed) == _answers(plain)


@pytest.mark.parametrize("path", CORPUS[::4], ids=lambda p: p.name)
def test_feed_bytes_builds_the_stdlib_tree(path: Path) -> None:
    """Corpus mails parse to the same parts, headers, payloads and defects as the stdlib's."""
    raw = path.read_bytes()
    assert tree_shape(feed_bytes(raw)) == tree_shape(email.message_from_bytes(raw))


@settings(deadline=None)
@given(st.sampled_from(CORPUS), st.integers(0, 10**6), st.binary(max_size=40))
def test_feed_bytes_matches_the_stdlib_on_damaged_mail(
    path: Path, position: int, junk: bytes
) -> None:
    """A corpus mail with bytes spliced in parses exactly as email.message_from_bytes does."""
    raw = path.read_bytes()
    cut = position % (len(raw) + 1)
    damaged = raw[:cut] + junk + raw[cut:]
    assert tree_shape(feed_bytes(damaged)) == tree_shape(email.message_from_bytes(damaged))
