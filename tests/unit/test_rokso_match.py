"""Matching offenders, customers, look-up targets and SBL references against ROKSO records."""

from __future__ import annotations

import logging
from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest

from pipeline.dnsbl.results import Listing, TargetResult, ZoneResult
from pipeline.models import Offender, OffenderKind
from pipeline.rokso.formats import parse_register
from pipeline.rokso.match import RoksoIndex
from pipeline.rokso.models import CustomerIdentity, MatchKind, RoksoMatch

DATA = Path(__file__).resolve().parent.parent / "data" / "rokso"


@pytest.fixture(scope="module")
def index() -> RoksoIndex:
    return RoksoIndex(parse_register((DATA / "register.csv").read_bytes(), "csv"))


def _pairs(matches: tuple[RoksoMatch, ...]) -> list[tuple[str, MatchKind, str]]:
    return [(m.record_id, m.kind, m.listed) for m in matches]


def test_ipv4_inside_netblock_matches(index: RoksoIndex) -> None:
    """An address inside a listed /25 matches that record, naming the netblock."""
    assert _pairs(index.match_ip(ip_address("198.51.100.99"))) == [
        ("ROK8801", MatchKind.IP_IN_NETBLOCK, "198.51.100.0/25")
    ]


def test_ipv4_just_outside_netblock_does_not_match(index: RoksoIndex) -> None:
    """The first address past the /25 is not covered."""
    assert index.match_ip(ip_address("198.51.100.128")) == ()


def test_ipv6_inside_netblock_matches(index: RoksoIndex) -> None:
    """IPv6 addresses match IPv6 netblocks."""
    found = index.match_ip(ip_address("2001:db8:5100:ffff::25"))
    assert _pairs(found) == [("ROK8801", MatchKind.IP_IN_NETBLOCK, "2001:db8:5100::/48")]


def test_domain_and_subdomain_match_but_lookalike_does_not(index: RoksoIndex) -> None:
    """A listed domain and its subdomains match; a longer label ending alike does not."""
    assert _pairs(index.match_domain("atlanticbulk.example")) == [
        ("ROK8801", MatchKind.DOMAIN, "atlanticbulk.example")
    ]
    assert _pairs(index.match_domain("mx1.mail.atlanticbulk.example")) == [
        ("ROK8801", MatchKind.SUBDOMAIN, "atlanticbulk.example")
    ]
    assert index.match_domain("notatlanticbulk.example") == ()


def test_alias_matches_after_normalisation(index: RoksoIndex) -> None:
    """'abm mailers inc' matches the alias 'ABM Mailers' of ROK8801."""
    assert _pairs(index.match_name("abm   MAILERS, Inc.")) == [
        ("ROK8801", MatchKind.ALIAS, "ABM Mailers")
    ]


def test_operation_name_matches(index: RoksoIndex) -> None:
    """The operation's own name matches as NAME."""
    assert _pairs(index.match_name("Nimbus Leadgen")) == [
        ("ROK8803", MatchKind.NAME, "Nimbus Leadgen")
    ]


def test_name_match_is_exact_not_fuzzy(index: RoksoIndex) -> None:
    """A name sharing words with an operation is no match."""
    assert index.match_name("Nimbus Leadgen Holdings") == ()


def test_sbl_reference_in_txt_reason_matches(index: RoksoIndex) -> None:
    """An SBL id in a DNSBL TXT reason that a record links is evidence for that record."""
    found = index.match_sbl_text("Listed by SBL, see https://www.spamhaus.org/sbl/query/SBL500201")
    assert _pairs(found) == [("ROK8802", MatchKind.SBL_REFERENCE, "SBL500201")]
    assert index.match_sbl_text("https://www.spamhaus.org/sbl/query/SBL999") == ()


def test_dnsbl_result_reasons_are_checked_for_sbl_references(index: RoksoIndex) -> None:
    """A DNSBL result whose zone reason cites a ROKSO-linked SBL record yields a match."""
    sbl = Listing("127.0.0.2", "SBL", "Spamhaus SBL Data")
    result = TargetResult(
        target="203.0.113.9",
        kind="ip",
        zones=(
            ZoneResult("zen.spamhaus.org", "listed", (sbl,), "https://x.example/SBL500102"),
            ZoneResult("bl.example", "not_listed"),
        ),
    )
    assert [m.record_id for m in index.match_dnsbl_result(result)] == ["ROK8801"]


def test_offenders_match_by_ip_url_host_and_mail_domain(index: RoksoIndex) -> None:
    """Each offender kind is reduced to its host and matched; the evidence keeps the host."""
    offenders = (
        Offender(OffenderKind.IP, "192.0.2.77", "source"),
        Offender(OffenderKind.URL, "https://shop.cog-promo.example/x?y=1", "spamvertised"),
        Offender(OffenderKind.EMAIL, "sales@ceruleanoffers.example", "sender"),
    )
    assert _pairs(index.match_offenders(offenders)) == [
        ("ROK8802", MatchKind.DOMAIN, "ceruleanoffers.example"),
        ("ROK8802", MatchKind.SUBDOMAIN, "cog-promo.example"),
        ("ROK8803", MatchKind.IP_IN_NETBLOCK, "192.0.2.77/32"),
    ]


def test_unmatchable_offender_is_logged_not_dropped_silently(
    index: RoksoIndex, caplog: pytest.LogCaptureFixture
) -> None:
    """An offender with no usable host is skipped with a warning naming it."""
    with caplog.at_level(logging.WARNING, logger="pipeline.rokso.match"):
        found = index.match_offenders([Offender(OffenderKind.URL, "mailto:x", "phishing_url")])
    assert found == ()
    assert "offender has no host" in caplog.text


def test_customer_matches_by_name_domain_and_overlapping_netblock(index: RoksoIndex) -> None:
    """A customer's name, domains and netblocks are each checked; overlap either way matches."""
    customer = CustomerIdentity(
        name="Cerulean Offers, LLC",
        domains=("www.nimbus-leads.example",),
        netblocks=(ip_network("198.51.100.0/24"),),
    )
    assert _pairs(index.match_customer(customer)) == [
        ("ROK8801", MatchKind.NETBLOCK_OVERLAP, "198.51.100.0/25"),
        ("ROK8802", MatchKind.ALIAS, "Cerulean Offers LLC"),
        ("ROK8803", MatchKind.SUBDOMAIN, "nimbus-leads.example"),
    ]


def test_clean_customer_matches_nothing(index: RoksoIndex) -> None:
    """A customer sharing nothing with the register gets no evidence."""
    customer = CustomerIdentity("Example Hosting", ("example.net",), (ip_network("192.0.2.0/26"),))
    assert index.match_customer(customer) == ()


def test_match_target_dispatches_by_what_the_text_is(index: RoksoIndex) -> None:
    """Text is matched as a netblock, IP, domain, name or SBL id, whichever it is."""
    assert index.match_target("203.0.113.0/24")[0].kind is MatchKind.NETBLOCK_OVERLAP
    assert index.match_target("203.0.113.100")[0].kind is MatchKind.IP_IN_NETBLOCK
    assert index.match_target("News.ABM-Mailer.example")[0].kind is MatchKind.SUBDOMAIN
    assert index.match_target("C.O.G. Promotions")[0].kind is MatchKind.ALIAS
    assert index.match_target("sbl500201")[0].record_id == "ROK8802"
    assert index.match_target("nothing listed here") == ()
