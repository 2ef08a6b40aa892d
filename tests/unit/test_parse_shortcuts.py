"""Each faster path of the parser gives exactly what the library path it stands in for gives."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ParsingConfig
from pipeline.parsing import ip_ranges
from pipeline.parsing.context import evidence_of
from pipeline.parsing.flat_yaml import load_flat
from pipeline.parsing.mailboxes import clear_caches, valid_email
from pipeline.parsing.mime import _payload_size, header_block, walk_message
from pipeline.parsing.offenders import parse_ip, url_host
from pipeline.parsing.splitter import parse_bytes

CORPUS = sorted((Path(__file__).parent.parent / "data" / "corpus").rglob("*.eml"))

YAML_KEYS = ["Reported-From", "Version", "Port", "Date", "1", "true", "null", "2014-01-01", "<<"]
YAML_VALUES = [
    "abuse@example.net",
    "0.2",
    "80",
    "-5",
    "yes",
    "~",
    "",
    "2014-01-31",
    "2014-13-45",
    "2015-07-23T01:58:00Z",
    "Fri, 31 Jan 2014 07:19:02 +0100",
    "http://x.example/a?b=c",
    ".inf",
    "0x1F",
    "a #b",
    "a: b",
    "'q'",
    "[a]",
    "&x",
    "=",
    "O'Brien",
]
YAML_LINES = st.builds(
    lambda k, sep, v: f"{k}{sep}{v}",
    st.sampled_from(YAML_KEYS),
    st.sampled_from([": ", ": ", ":  ", ":", " : "]),
    st.sampled_from(YAML_VALUES),
)


def _yaml_reference(text: str) -> Any:
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except Exception as exc:  # yaml.load raises ValueError for impossible dates too
        return exc


@given(
    st.sampled_from(["", "---\n", "--- x\n", "# c\n"]),
    st.lists(st.one_of(YAML_LINES, st.sampled_from(["", " indented: x", "..."])), max_size=6),
)
def test_flat_yaml_equals_yaml_load_or_declines(start: str, lines: list[str]) -> None:
    """A flat document loads as yaml.load loads it (types included); any other is declined."""
    text = start + "\n".join(lines)
    got, expected = load_flat(text), _yaml_reference(text)
    if got is not None:
        assert isinstance(expected, dict)
        assert list(got.items()) == list(expected.items())
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_flat_yaml_reads_an_x_arf_part() -> None:
    """A typical X-ARF 0.2 report part takes the flat path with PyYAML's typed values."""
    text = "---\nReported-From: a@b.example\nVersion: 0.2\nPort: 80\nSource: 192.0.2.1\n"
    assert load_flat(text) == {
        "Reported-From": "a@b.example",
        "Version": 0.2,
        "Port": 80,
        "Source": "192.0.2.1",
    }


LOCALS = ["abuse", "Abuse", "POSTMASTER", "a.b", "a..b", ".a", "x+y", "o'hara", "a" * 70, "", '"q"']
DOMAINS = [
    "example.com",
    "EXAMPLE.COM",
    "-bad.com",
    "localhost",
    "x.test",
    "xn--bcher-kva.example",
    "b@c.com",
    "[192.0.2.1]",
    "",
    "com",
    "a" * 64 + ".com",
    ("a" * 60 + ".") * 4 + "com",
    "ab--cd.com",
    "münchen.de",
]


def _email_reference(value: str) -> str | None:
    try:
        return str(validate_email(value.strip().strip("<>"), check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


@settings(deadline=None)
@given(
    st.sampled_from(LOCALS),
    st.sampled_from(DOMAINS),
    st.sampled_from(["{}@{}", "<{}@{}>", " {}@{} ", "{}@@{}", "{}{}"]),
    st.booleans(),
)
def test_valid_email_equals_email_validator(
    local: str, domain: str, shape: str, cold: bool
) -> None:
    """The per-domain shortcut normalises or rejects each address as validate_email does."""
    if cold:
        clear_caches()
    value = shape.format(local, domain)
    assert valid_email(value) == _email_reference(value)


def _host_reference(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return "ValueError"


@given(
    st.sampled_from(["http://", "HTTPS://", "ftp://", "x+y://", "h:", "", " http://"]),
    st.text(alphabet="aZ09.-:/?#@[]%\t é", max_size=14),
)
def test_url_host_equals_urlsplit_hostname(scheme: str, rest: str) -> None:
    """The plain-URL host shortcut returns urlsplit's hostname, and fails where it fails."""
    url = scheme + rest
    try:
        got = url_host(url)
    except ValueError:
        got = "ValueError"
    assert got == _host_reference(url)


OCTETS = ["0", "00", "7", "07", "99", "100", "199", "249", "250", "255", "256", "999", "", "٣"]


@given(st.lists(st.sampled_from(OCTETS), min_size=3, max_size=5), st.booleans())
def test_dotted_quad_shortcut_equals_ip_address(octets: list[str], bracketed: bool) -> None:
    """parse_ip reads a dotted quad exactly as ipaddress.ip_address does (or rejects it)."""
    token = ".".join(octets)
    try:
        expected: object = ipaddress.ip_address(token)
    except ValueError:
        expected = None
    assert parse_ip.uncached(f"[{token}]" if bracketed else token) == expected


def test_header_block_limit_keeps_a_long_enough_prefix() -> None:
    """A limited header block is a prefix of the whole one, cut no shorter than the limit."""
    config = ParsingConfig()
    for path in CORPUS:
        for original in walk_message(path.read_bytes(), config).embedded:
            whole = header_block(original)
            for limit in (1, 200, 8192):
                part = header_block(original, limit)
                assert whole.startswith(part)
                assert len(part) >= min(limit, len(whole))


@given(st.binary(max_size=60), st.sampled_from(["utf-8", "iso-8859-1", "utf-16", "nonsense"]))
def test_payload_size_equals_the_decoded_payload_length(body: bytes, charset: str) -> None:
    """The leaf size the part limit is checked against is len(get_payload()), 8-bit text too."""
    raw = f"Content-Type: text/plain; charset={charset}\r\n\r\n".encode() + body
    leaf = parse_bytes(raw)
    payload = leaf.get_payload()
    assert _payload_size(leaf) == (len(payload) if isinstance(payload, str | bytes) else 0)


EDGES = sorted(ip_ranges._edges(ip_ranges._special_networks()))


@given(
    st.one_of(
        st.integers(0, 2**32 - 1),
        st.sampled_from(EDGES).flatmap(lambda e: st.integers(max(e - 2, 0), min(e + 2, 2**32 - 1))),
    )
)
def test_reserved_ipv4_table_equals_ipaddress(number: int) -> None:
    """The IPv4 range table says reserved exactly where ipaddress's properties do."""
    address = ipaddress.IPv4Address(number)
    assert ip_ranges.is_reserved_ip(address) == ip_ranges.stdlib_reserved(address)


def test_reserved_table_is_in_use_and_ipv6_asks_ipaddress() -> None:
    """On this Python the table is built; IPv6 answers still come from ipaddress."""
    assert ip_ranges._TABLE is not None
    for text in ("2001:db8::1", "fe80::1", "2a00:1450::1", "::ffff:10.0.0.1"):
        address = ipaddress.ip_address(text)
        assert ip_ranges.is_reserved_ip(address) == ip_ranges.stdlib_reserved(address)


def test_evidence_from_the_walks_decoding_equals_decoding_again() -> None:
    """The evidence excerpt built from the walk's decoded payloads equals a fresh decoding."""
    config = ParsingConfig()
    for path in CORPUS:
        tree = walk_message(path.read_bytes(), config)
        for original in tree.embedded:
            assert evidence_of(original, tree.decoded) == evidence_of(original)
