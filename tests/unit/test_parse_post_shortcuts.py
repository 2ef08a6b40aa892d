"""The cheaper post-parse paths give exactly what the calls they stand in for give."""

from __future__ import annotations

import re
from pathlib import Path

from email_validator import EmailNotValidError
from email_validator.syntax import validate_email_domain_name
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import ParsingConfig
from pipeline.parsing import offenders
from pipeline.parsing.mailboxes import _plain_domain
from pipeline.parsing.mime import field_text, header_text, walk_message
from pipeline.parsing.offenders import OffenderSet, links

CORPUS = sorted((Path(__file__).parent.parent / "data" / "corpus").rglob("*.eml"))

DEFANG_PIECES = [
    "[", "(", "{", ".", "]", ")", "}", ":", "//", "dot", "DOT", "Dot", "at", "AT", "@",
    "hxxp", "HXXP", "fxp://", "xp", " ", "\t", "\u00a0", "\u2003", "a", "é", "\u4e00",
    "\u0130", "\u212a", "http://x.example",
]  # fmt: skip


def _lowered_gate(text: str) -> bool:
    """The defang check as it was: every mark looked for in the whole lower-cased text."""
    lowered = text.lower()
    return any(mark in lowered for mark in offenders._DEFANG_MARKS) or (
        offenders._SPACED_DOT.search(lowered) is not None
    )


@given(st.lists(st.sampled_from(DEFANG_PIECES), max_size=14))
def test_defang_check_equals_the_lowered_text_check(pieces: list[str]) -> None:
    """ASCII or not, the defang check says what looking in the lower-cased text says."""
    text = "".join(pieces)
    assert offenders._looks_defanged(text) == _lowered_gate(text)


LINK_PIECES = [
    "http://", "HTTPS://", "ftp://", "FtP://", "hxxp", "://", "a", " ", "é", "x.example/",
    "h", "f", "_", "ttp://", "ps://", "tp://", "https", "\u4e00", "\n", '"', ".", "1",
]  # fmt: skip


@given(st.lists(st.sampled_from(LINK_PIECES), max_size=14))
def test_links_equal_the_url_scan(pieces: list[str]) -> None:
    """Links found from each ``://`` are the URL pattern's matches, in order."""
    text = "".join(pieces)
    assert list(links(text)) == [m.group(0) for m in offenders._URL.finditer(text)]


DOMAIN_PIECES = [
    "a", "Z", "0", "9", "-", ".", "xn", "--", "com", "test", "local", "localhost", "arpa",
    "invalid", "onion", "example", "ab" * 20, "é", "_", "1",
]  # fmt: skip


@given(st.lists(st.sampled_from(DOMAIN_PIECES), min_size=1, max_size=9))
def test_plain_domain_equals_email_validator(pieces: list[str]) -> None:
    """Where the plain-name check answers, email-validator accepts the name with that answer."""
    domain = "".join(pieces)
    plain = _plain_domain(domain)
    if plain is None:
        return
    checked = validate_email_domain_name(domain, test_environment=False)
    assert (checked["domain"], checked["ascii_domain"]) == (plain, plain)


def test_plain_domain_leaves_rejected_names_to_the_library() -> None:
    """Special-use, over-long and hyphen-edged names get no plain answer."""
    for domain in ("mail.local", "x.invalid", "a-.example", ("a" * 64) + ".net", "x.1"):
        assert _plain_domain(domain) is None
        try:
            validate_email_domain_name(domain, test_environment=False)
        except EmailNotValidError:
            continue
        raise AssertionError(f"{domain} was accepted by the library")


def test_header_text_equals_the_general_read_for_every_corpus_field() -> None:
    """Every header field of every corpus mail reads as ``field_text(msg.get(name))``."""
    for path in CORPUS:
        root = walk_message(path.read_bytes(), ParsingConfig()).root
        for name in {*root.keys(), "Missing-Field"}:
            raw = root.get(name)
            assert header_text(root, name) == ("" if raw is None else field_text(raw))


def _ignores() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset({"reporter.example.org"}), frozenset({"abuse@desk.example.net"})


def test_lazy_ignores_find_what_eager_ones_find() -> None:
    """A collector working out its ignore sets late drops what one given them up front drops."""
    text = "see http://www.reporter.example.org/x and http://spam.test.org/y abuse@desk.example.net"
    eager = OffenderSet(*_ignores())
    lazy = OffenderSet(ignores=_ignores)
    for found in (eager, lazy):
        found.scan_text(text, ip_role="source", url_role="spamvertised", email_role="sender")
    assert lazy.result() == eager.result()


def test_declared_offenders_never_ask_for_the_ignore_sets() -> None:
    """Declared addresses and links are kept without working out the reporter's own domains."""

    def refuse() -> tuple[frozenset[str], frozenset[str]]:
        raise AssertionError("ignore sets asked for")

    found = OffenderSet(ignores=refuse)
    found.declared_ip("192.0.2.1")
    found.declared_url("http://spam.test.org/x", "hosting")
    assert [o.value for o in found.result()] == ["192.0.2.1", "http://spam.test.org/x", "test.org"]


def test_bracket_marks_share_their_gate_character() -> None:
    """Each bracket gate's search pattern starts with its gate character, the fast case."""
    for piece, search, _ in offenders._GATE_SEARCHES:
        if search is not None:
            pattern = search.__self__  # type: ignore[attr-defined]
            assert isinstance(pattern, re.Pattern) and all(
                alt.startswith(re.escape(piece)) for alt in pattern.pattern.split("|")
            )
