"""The parser's shortcuts give exactly what the slow paths they replace would give."""

from __future__ import annotations

from email.utils import getaddresses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import ParsingConfig
from pipeline.parsing import ParseFailure, clear_caches, parse_message
from pipeline.parsing.addresses import addresses
from pipeline.parsing.mime import walk_message
from pipeline.parsing.offenders import _DEFANG, parse_ip, refang
from pipeline.parsing.psl import registrable_domain

ADDRESS_PIECES = [
    "abuse@example.net",
    "Abuse Desk <abuse@example.net>",
    '"Desk, Abuse" <desk@isp.example>',
    "<noc@isp.example>",
    "J. Smith <j@s.co.uk>",
    "Müller <m@x.de>",
    "undisclosed-recipients:;",
    "a@b.c (comment)",
    '"unbalanced <x@y.z>',
    "",
    " ",
    ",",
    "<>",
]


@pytest.mark.parametrize("value", ADDRESS_PIECES)
def test_addresses_match_the_stdlib_for_each_shape(value: str) -> None:
    """Plain mailboxes take the fast path; every shape yields getaddresses' addresses."""
    assert addresses([value]) == [a for _, a in getaddresses([value]) if a]


@given(st.lists(st.lists(st.sampled_from(ADDRESS_PIECES), max_size=3), max_size=4))
def test_addresses_match_the_stdlib_for_any_mix(pieces: list[list[str]]) -> None:
    """Any mix of header values (joined lists included) yields getaddresses' addresses."""
    values = [", ".join(p) for p in pieces]
    assert addresses(values) == [a for _, a in getaddresses(values) if a]


@pytest.mark.parametrize(
    "text", ["see hxxp://x.example/a", "x(:)//y", "host\tdot\tcom", "a [at] b"]
)
def test_refang_equals_applying_every_rule(text: str) -> None:
    """The defang pre-check only skips texts no rule would change (tab-dot and (:)// too)."""
    expected = text
    for pattern, replacement in _DEFANG:
        expected = pattern.sub(replacement, expected)
    assert refang(text) == expected != text


def test_ip_pre_check_keeps_addresses_and_skips_names() -> None:
    """Dotted quads and colon forms still parse; host names no longer reach ipaddress."""
    assert str(parse_ip("[192.0.2.7]")) == "192.0.2.7"
    assert str(parse_ip("IPv6:2001:db8::1")) == "2001:db8::1"
    assert parse_ip("mail.example.net") is None


def test_long_body_is_no_header_flood() -> None:
    """A short header above a body of many lines passes the flood check."""
    raw = b"From: a@b.org\r\nSubject: x\r\n\r\n" + b"line\r\n" * 5000
    assert walk_message(raw, ParsingConfig(max_headers=10)).root["Subject"] == "x"


def test_header_flood_still_counts_fields_not_lines() -> None:
    """Folded continuation lines do not count as fields; real fields over the limit do."""
    folded = b"Subject: a\r\n" + b" more\r\n" * 50 + b"\r\nbody\r\n"
    assert not isinstance(parse_message(folded, config=ParsingConfig(max_headers=5)), ParseFailure)
    flood = b"".join(b"X-%d: y\r\n" % i for i in range(6)) + b"\r\nbody\r\n"
    assert isinstance(parse_message(flood, config=ParsingConfig(max_headers=5)), ParseFailure)


def test_clear_caches_forgets_memoised_lookups() -> None:
    """clear_caches empties the host look-up cache, so a benchmark round starts cold."""
    registrable_domain("www.example.co.uk")
    clear_caches()
    assert registrable_domain.cache_info().currsize == 0


def test_overlong_keys_are_answered_but_not_remembered() -> None:
    """A key longer than any host name is computed each time, so junk cannot fill memory."""
    clear_caches()
    assert registrable_domain("a" * 300 + ".example.co.uk") == "example.co.uk"
    assert registrable_domain.cache_info().currsize == 0
