"""Canonical forms of ROKSO names, domains, netblocks and SBL ids."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from pipeline.rokso.normalize import (
    InvalidValue,
    normalize_domain,
    normalize_name,
    normalize_netblock,
    normalize_sbl_id,
)


def test_name_folds_case_punctuation_and_legal_form() -> None:
    """Case, punctuation, width and trailing legal forms do not distinguish operations."""
    assert normalize_name("Atlantic Bulk Media, Ltd.") == "atlantic bulk media"
    assert normalize_name("ＡＴＬＡＮＴＩＣ  bulk-media LLC") == "atlantic bulk media"


def test_name_keeps_a_lone_legal_word() -> None:
    """A name that is only a legal-form word is kept, not emptied."""
    assert normalize_name("Inc.") == "inc"


def test_name_without_letters_is_invalid() -> None:
    """Punctuation alone is not a name."""
    with pytest.raises(InvalidValue):
        normalize_name("--- !!")


def test_domain_becomes_lowercase_a_label() -> None:
    """An IDN with a trailing dot becomes its lower-case A-label form."""
    assert normalize_domain("Bücher.Example.") == "xn--bcher-kva.example"


def test_ip_is_not_a_domain() -> None:
    """An address in a domain field is refused."""
    with pytest.raises(InvalidValue, match="IP address"):
        normalize_domain("192.0.2.1")


def test_single_address_is_a_host_netblock() -> None:
    """A bare IPv4 or IPv6 address is stored as a /32 or /128."""
    assert normalize_netblock("192.0.2.7") == ip_network("192.0.2.7/32")
    assert normalize_netblock("2001:db8::1") == ip_network("2001:db8::1/128")


def test_netblock_with_host_bits_is_refused() -> None:
    """192.0.2.5/24 is a typo to surface, not a /24 to assume."""
    with pytest.raises(InvalidValue, match="host bits"):
        normalize_netblock("192.0.2.5/24")


def test_sbl_id_is_upper_cased_and_checked() -> None:
    """SBL ids are 'SBL' plus digits, compared in upper case."""
    assert normalize_sbl_id(" sbl500101 ") == "SBL500101"
    with pytest.raises(InvalidValue):
        normalize_sbl_id("SBLX1")
