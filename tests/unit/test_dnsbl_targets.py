"""Target validation: only IPs and domain names reach a DNS query name."""

from __future__ import annotations

import ipaddress

import pytest

from pipeline.dnsbl.targets import InvalidTarget, parse_target


def test_ipv4_is_queried_as_reversed_octets() -> None:
    """An IPv4 address is looked up as its four octets in reverse order."""
    target = parse_target("192.0.2.1")
    assert (target.kind, target.value, target.query_prefix) == ("ip", "192.0.2.1", "1.2.0.192")


def test_ipv6_is_queried_as_32_reversed_nibbles() -> None:
    """An IPv6 address is looked up as 32 reversed nibbles, in compressed normal form."""
    target = parse_target("2001:DB8:0::2")
    assert target.value == "2001:db8::2"
    assert target.query_prefix == "2." + "0." * 23 + "8.b.d.0.1.0.0.2"
    assert len(target.query_prefix.split(".")) == 32


def test_ipv4_mapped_ipv6_is_checked_as_ipv4() -> None:
    """::ffff:a.b.c.d is the IPv4 sender seen through a dual-stack socket."""
    assert parse_target("::ffff:192.0.2.1").value == "192.0.2.1"


def test_domain_is_lowercased_and_loses_its_final_dot() -> None:
    """A domain is queried as-is, in lower case, without the root dot."""
    target = parse_target("Spam.Example.COM.")
    assert (target.kind, target.value) == ("domain", "spam.example.com")
    assert target.query_prefix == "spam.example.com"


def test_unicode_domain_becomes_its_a_label() -> None:
    """An internationalised domain is queried by its IDNA A-label."""
    assert parse_target("bücher.example").value == "xn--bcher-kva.example"


def test_surrounding_whitespace_is_trimmed() -> None:
    """Leading and trailing whitespace (a pasted address) is not part of the target."""
    assert parse_target("  192.0.2.1\n").value == "192.0.2.1"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "localhost",
        "1.2.3",
        "192.0.2.1/24",
        "fe80::1%eth0",
        "a..example",
        "*.example.com",
        "exa mple.com",
        "evil.com\x00.zen.spamhaus.org",
        "-bad.example",
        "bad-.example",
        "under_score.example",
        "x" * 64 + ".example",
        ("a" * 60 + ".") * 5 + "example",
        "http://example.com/",
        "user@example.com",
        "x" * 2000,
    ],
)
def test_anything_else_is_refused_before_a_query(text: str) -> None:
    """Text that is not exactly an IP or a host name raises InvalidTarget."""
    with pytest.raises(InvalidTarget):
        parse_target(text)


@pytest.mark.parametrize(
    "text", ["0.0.0.0", "255.255.255.255", "10.0.0.1", "199.250.9.1", "1.2.3.04", "256.1.1.1"]
)
def test_ipv4_fast_path_agrees_with_ipaddress(text: str) -> None:
    """The dotted-quad shortcut accepts and reverses exactly what ipaddress does."""
    try:
        expected = ipaddress.IPv4Address(text)
    except ValueError:
        with pytest.raises(InvalidTarget):
            parse_target(text)
        return
    target = parse_target(text)
    assert (target.value, target.query_prefix) == (
        str(expected),
        expected.reverse_pointer.removesuffix(".in-addr.arpa"),
    )
