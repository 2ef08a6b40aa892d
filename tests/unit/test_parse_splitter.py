"""The MIME splitter builds the stdlib parser's tree, or hands the message to FeedParser."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parsing.indexed import feed_text
from pipeline.parsing.splitter import MAX_SPLIT_DEPTH, Unsplittable, parse_text, split
from tests.support.mime_tree import tree_shape

CORPUS = sorted((Path(__file__).parent.parent / "data" / "corpus").rglob("*.eml"))


def _split_or_feed(text: str) -> Message:
    """The splitter's tree where it takes the message, else FeedParser's (as parse_text does)."""
    try:
        return split(text)
    except Unsplittable:
        return feed_text(text)


def _text(path: Path) -> str:
    return path.read_bytes().decode("ascii", "surrogateescape")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_mail_splits_to_the_stdlib_tree(path: Path) -> None:
    """Every corpus mail gives the stdlib's parts, fields, payloads, defects and envelope."""
    text = _text(path)
    assert tree_shape(_split_or_feed(text)) == tree_shape(email.message_from_string(text))


def test_the_corpus_is_split_without_falling_back() -> None:
    """All corpus mails but those with lone CR line ends are split, not fed line by line."""
    fed = []
    for text in map(_text, CORPUS):
        try:
            split(text)
        except Unsplittable:
            fed.append(text)
    assert all(text.count("\r") != text.count("\r\n") for text in fed)
    assert len(fed) <= len(CORPUS) // 20


@settings(deadline=None)
@given(
    st.sampled_from(CORPUS),
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(0, 30),
            st.one_of(
                st.sampled_from(["", "-", "--", "\n", "\r\n", "\n\n", ": ", " ", "\t", "x"]),
                st.sampled_from(["From x\n", "\n--", "--\n", "\nFrom y\n", "Subject: z\n"]),
                st.text(st.characters(max_codepoint=127), max_size=6),
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_damaged_corpus_mail_splits_to_the_stdlib_tree(
    path: Path, edits: list[tuple[int, int, str]]
) -> None:
    """Corpus mails with text spliced in or cut out parse exactly as the stdlib parses them."""
    text = _text(path)
    for position, cut, junk in edits:
        at = position % (len(text) + 1)
        text = text[:at] + junk + text[at + cut :]
    assert tree_shape(_split_or_feed(text)) == tree_shape(email.message_from_string(text))


BOUNDARIES = ["b1", "=_b2", "b1b"]  # "b1" is a prefix of "b1b": only whole lines may end parts
FIELDS = [
    "Subject: x",
    "X-Folded: a\n\tb",
    "Received: from a.example\n  by b.example",
    "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable",
    "Content-Type: text/plain; charset=utf-8",
    "From sender@example.org Sat Nov 21 10:00:00 2026",
    ": nameless",
    " leading continuation",
    "--b1",
    "not a field",
]
BODY_LINES = ["text", "", "--", "-- ", "--b1", "--b1--", "--b1b", "--=_b2--", "From x", " ", "a: b"]


@st.composite
def _part(draw: st.DrawFn, depth: int = 0) -> str:
    """A message or part: header lines, then a leaf body or, nested, parts between boundaries."""
    kind = draw(st.sampled_from(["leaf", "multipart", "rfc822", "delivery-status", "digest"]))
    if depth >= 3:
        kind = "leaf"
    fields = draw(st.lists(st.sampled_from(FIELDS), max_size=3))
    separator = draw(st.sampled_from(["\n", "", "\n\n"]))
    if kind == "leaf":
        body = "\n".join(draw(st.lists(st.sampled_from(BODY_LINES), max_size=5)))
        return "\n".join(fields) + "\n" + separator + body
    if kind == "rfc822":
        inner = draw(_part(depth + 1))
        return "\n".join([*fields, "Content-Type: message/rfc822"]) + "\n" + separator + inner
    if kind == "delivery-status":
        blocks = draw(st.lists(st.sampled_from(["Action: failed", "A: 1\nB: 2", ""]), max_size=3))
        head = "\n".join([*fields, "Content-Type: message/delivery-status"])
        return head + "\n" + separator + "\n\n".join(blocks)
    boundary = draw(st.sampled_from(BOUNDARIES))
    subtype = "digest" if kind == "digest" else draw(st.sampled_from(["mixed", "report"]))
    head = "\n".join([*fields, f'Content-Type: multipart/{subtype}; boundary="{boundary}"'])
    lines = [head, separator + draw(st.sampled_from(["", "preamble", "preamble\n"]))]
    for sub in draw(st.lists(_part(depth + 1), max_size=3)):
        lines += [f"--{boundary}" + draw(st.sampled_from(["", " ", "--"])), sub]
    closing = draw(st.sampled_from([f"--{boundary}--", f"--{boundary}-- ", ""]))
    lines += [closing, draw(st.sampled_from(["", "epilogue", "\n"]))]
    return "\n".join(lines)


@settings(deadline=None, max_examples=300)
@given(_part(), st.booleans(), st.booleans())
def test_generated_mime_splits_to_the_stdlib_tree(text: str, crlf: bool, cut_end: bool) -> None:
    """Nested multiparts, digests, originals and DSN blocks, well-formed or not, split alike."""
    if crlf:
        text = text.replace("\n", "\r\n")
    if cut_end:
        text = text.rstrip("\r\n")
    assert tree_shape(_split_or_feed(text)) == tree_shape(email.message_from_string(text))


@pytest.mark.parametrize(
    "text",
    [
        "Subject: x\r\rbody\n",  # a lone CR ends a line for the stdlib
        "Subject: x\nFrom last line\n\nbody\n",  # pushed back ahead of a dropped blank line
        "Content-Type: message/rfc822\n\n" * (MAX_SPLIT_DEPTH + 2) + "Subject: deep\n\nbody\n",
    ],
    ids=["lone-cr", "unix-from-pushback", "deep-nesting"],
)
def test_what_the_splitter_cannot_mirror_is_fed_to_the_stdlib_parser(text: str) -> None:
    """A lone CR, a pushed-back unix-from line or deep nesting fall back to FeedParser's tree."""
    with pytest.raises(Unsplittable):
        split(text)
    assert tree_shape(parse_text(text)) == tree_shape(email.message_from_string(text))


def test_a_body_ends_only_at_a_whole_boundary_line() -> None:
    """A line that merely starts like the boundary stays in the part's payload."""
    text = (
        "Content-Type: multipart/mixed; boundary=b1\n\n--b1\n\n--b1b\n--b1 x\n--b1\t\n"
        "tail\n--b1--\n"
    )
    parts = split(text).get_payload()
    assert [p.get_payload() for p in parts] == ["--b1b\n--b1 x", "tail"]
