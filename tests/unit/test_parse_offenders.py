"""Offender extraction rules: refanging, reserved ranges, dedupe, validation, PSL splitting."""

from __future__ import annotations

import pytest

from pipeline.models import OffenderKind
from pipeline.parsing.mailboxes import valid_email
from pipeline.parsing.offenders import OffenderSet, refang
from pipeline.parsing.psl import registrable_domain


@pytest.mark.parametrize(
    ("defanged", "plain"),
    [
        ("hxxp://bad.example.org/x", "http://bad.example.org/x"),
        ("hxxps://bad.example.org", "https://bad.example.org"),
        ("bad[.]shop", "bad.shop"),
        ("bad(dot)shop", "bad.shop"),
        ("http[:]//bad.shop/", "http://bad.shop/"),
        ("user[at]bad.shop", "user@bad.shop"),
        ("203.0.113[.]7", "203.0.113.7"),
    ],
)
def test_refang_undoes_each_defanging_convention(defanged: str, plain: str) -> None:
    """Each defanging convention seen in reports is undone before extraction."""
    assert refang(defanged) == plain


def test_defanged_url_in_text_becomes_url_and_domain_offenders() -> None:
    """A defanged URL in a complaint yields the URL and its registrable domain."""
    found = OffenderSet()
    found.scan_text(
        "phish at hxxps://login.bank-secure[.]shop/x",
        ip_role="source",
        url_role="phishing_url",
        email_role=None,
    )
    values = {(o.kind, o.value) for o in found.result()}
    assert (OffenderKind.URL, "https://login.bank-secure.shop/x") in values
    assert (OffenderKind.DOMAIN, "bank-secure.shop") in values


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "192.168.0.1",
        "127.0.0.1",
        "192.0.2.5",
        "198.51.100.7",
        "100.64.0.1",
        "fd00::1",
        "2001:db8::1",
    ],
)
def test_heuristic_reserved_addresses_are_never_offenders(address: str) -> None:
    """Private, loopback, documentation and shared addresses found in text are dropped."""
    found = OffenderSet()
    found.scan_text(f"attack from {address} today", ip_role="source", url_role="r", email_role=None)
    assert found.result() == ()


def test_declared_reserved_source_is_kept_and_flagged() -> None:
    """A declared source in a reserved range stays an offender, marked reserved."""
    found = OffenderSet()
    found.declared_ip("192.0.2.1 (mail.example.net)")
    (offender,) = found.result()
    assert (offender.value, offender.reserved) == ("192.0.2.1", True)


def test_global_ipv4_and_ipv6_in_text_are_offenders() -> None:
    """Global IPv4 and IPv6 addresses in free text are found, IPv6 compressed."""
    found = OffenderSet()
    found.scan_text(
        "from 8.8.4.4 and 2a00:1450:4001:0:0:0:0:200e at 10:11:12",
        ip_role="source",
        url_role="r",
        email_role=None,
    )
    assert {o.value for o in found.result()} == {"8.8.4.4", "2a00:1450:4001::200e"}


def test_offenders_are_deduplicated_first_role_wins() -> None:
    """The same value found twice is kept once, with the role it was first found with."""
    found = OffenderSet()
    found.declared_ip("8.8.8.8", "source")
    found.declared_ip("8.8.8.8", "hosting")
    assert [(o.value, o.role) for o in found.result()] == [("8.8.8.8", "source")]


def test_reporter_domain_urls_are_not_offenders() -> None:
    """Links to the reporter's own site (boilerplate) are never offenders."""
    found = OffenderSet(ignored_domains=frozenset({"blocklist.de"}))
    found.scan_text(
        "see https://www.blocklist.de/en/logs.html", ip_role=None, url_role="r", email_role=None
    )
    assert found.result() == ()


def test_example_domains_are_not_heuristic_offenders() -> None:
    """RFC 2606 example domains found in text stand for nobody and are dropped."""
    found = OffenderSet()
    found.scan_text(
        "visit http://shop.example.com/ or mail a@example.org",
        ip_role=None,
        url_role="r",
        email_role="sender",
    )
    assert found.result() == ()


def test_invalid_email_addresses_are_rejected() -> None:
    """Syntactically invalid addresses are not offenders; valid ones are normalised."""
    assert valid_email("not an address") is None
    assert valid_email("<Spammer@Bad-Shop.com>") == "Spammer@bad-shop.com"


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("www.shop.example.co.uk", "example.co.uk"),
        ("a.b.blogspot.com", "b.blogspot.com"),
        ("malware.cust.domain.tld", "domain.tld"),
        ("com", None),
    ],
)
def test_registrable_domain_uses_the_public_suffix_list(host: str, registrable: str | None) -> None:
    """Hosts split at the public suffix, private suffixes and unknown TLDs included."""
    assert registrable_domain(host) == registrable
