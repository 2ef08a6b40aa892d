"""Return-code decoding: Spamhaus's published codes, exactly; errors never become listings."""

from __future__ import annotations

import pytest

from pipeline.dnsbl.codes import MEMO_SIZE, CodeDecoder, decode_codes


def _names(kind: str, *codes: str) -> list[str]:
    decoded = decode_codes(kind, codes, zone="z")  # type: ignore[arg-type]
    assert decoded.error is None
    return [item.name for item in decoded.listings]


def test_zen_multiple_codes_all_decode() -> None:
    """127.0.0.2 + .4 + .10 in one answer are SBL, XBL and PBL."""
    assert _names("zen", "127.0.0.2", "127.0.0.4", "127.0.0.10") == ["SBL", "XBL", "PBL"]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("127.0.0.2", "SBL"),
        ("127.0.0.3", "CSS"),
        ("127.0.0.4", "XBL"),
        ("127.0.0.5", "XBL"),
        ("127.0.0.6", "XBL"),
        ("127.0.0.7", "XBL"),
        ("127.0.0.9", "DROP"),
        ("127.0.0.10", "PBL"),
        ("127.0.0.11", "PBL"),
    ],
)
def test_zen_code_table(code: str, name: str) -> None:
    """Each ZEN return code names its list."""
    assert _names("zen", code) == [name]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("127.0.1.2", "DBL_SPAM"),
        ("127.0.1.4", "DBL_PHISH"),
        ("127.0.1.5", "DBL_MALWARE"),
        ("127.0.1.6", "DBL_BOTNET_CC"),
        ("127.0.1.102", "DBL_ABUSED_SPAM"),
        ("127.0.1.103", "DBL_ABUSED_REDIRECTOR"),
        ("127.0.1.104", "DBL_ABUSED_PHISH"),
        ("127.0.1.105", "DBL_ABUSED_MALWARE"),
        ("127.0.1.106", "DBL_ABUSED_BOTNET_CC"),
    ],
)
def test_dbl_code_table(code: str, name: str) -> None:
    """Each DBL return code names its category."""
    assert _names("dbl", code) == [name]


def test_zrd_codes_carry_the_age_in_hours() -> None:
    """ZRD 127.0.2.N says the domain was first seen N hours ago (2–24)."""
    decoded = decode_codes("zrd", ["127.0.2.24"], zone="z")
    assert decoded.listings[0].name == "ZRD" and "24 hours" in decoded.listings[0].description


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("127.255.255.250", "dqs_key"),
        ("127.255.255.251", "dqs_key"),
        ("127.255.255.252", "typo"),
        ("127.255.255.254", "public_resolver"),
        ("127.255.255.255", "rate_limited"),
        ("127.255.255.1", "list_error"),
    ],
)
def test_refusal_codes_are_errors_on_every_kind(code: str, error: str) -> None:
    """127.255.255.0/24 is an error on any zone kind, never a listing."""
    for kind in ("zen", "dbl", "zrd", "generic"):
        decoded = decode_codes(kind, [code], zone="z")
        assert (decoded.error, decoded.listings) == (error, ())


def test_refusal_wins_over_listings_in_the_same_answer() -> None:
    """An answer that also carries a refusal code cannot be trusted for its other records."""
    decoded = decode_codes("zen", ["127.0.0.2", "127.255.255.254"], zone="z")
    assert (decoded.error, decoded.listings) == ("public_resolver", ())


def test_ip_queried_against_dbl_is_an_error() -> None:
    """127.0.1.255 from DBL means an IP was asked of a domain list."""
    assert decode_codes("dbl", ["127.0.1.255"], zone="z").error == "ip_on_domain_list"


def test_non_loopback_answer_is_never_a_listing() -> None:
    """A resolver's wildcard address (outside 127/8) is an unexpected-code error."""
    for kind in ("zen", "generic"):
        decoded = decode_codes(kind, ["192.0.2.99"], zone="z")
        assert (decoded.error, decoded.listings) == ("unexpected_code", ())


def test_unknown_zen_code_alone_is_an_error() -> None:
    """A ZEN code outside the table is reported, not invented into a listing."""
    decoded = decode_codes("zen", ["127.0.0.8"], zone="z")
    assert (decoded.error, decoded.unknown_codes) == ("unexpected_code", ("127.0.0.8",))


def test_unknown_code_beside_known_ones_is_kept_aside() -> None:
    """Known codes still list; the unknown one is reported separately."""
    decoded = decode_codes("zen", ["127.0.0.4", "127.0.0.8"], zone="z")
    assert [item.name for item in decoded.listings] == ["XBL"]
    assert decoded.unknown_codes == ("127.0.0.8",)


def test_generic_zone_uses_its_configured_names() -> None:
    """A generic zone names codes from its configuration table."""
    decoded = decode_codes(
        "generic", ["127.0.0.2"], zone="bl.example", generic={"127.0.0.2": "SPAMTRAP"}
    )
    assert decoded.listings[0].name == "SPAMTRAP"


def test_generic_zone_without_a_table_lists_any_loopback_code() -> None:
    """Without a table any 127/8 answer (outside the refusal range) is a plain listing."""
    assert _names("generic", "127.0.0.3") == ["LISTED"]


def test_duplicate_codes_decode_once() -> None:
    """Two identical A records are one listing."""
    assert _names("zen", "127.0.0.4", "127.0.0.4") == ["XBL"]


def test_decoder_decodes_each_code_set_once() -> None:
    """The same codes again give the very same decoded value; the result equals decode_codes."""
    decoder = CodeDecoder("zen", zone="z", generic={})
    first = decoder.decode(("127.0.0.2", "127.0.0.4"))
    assert decoder.decode(("127.0.0.2", "127.0.0.4")) is first
    assert first == decode_codes("zen", ("127.0.0.2", "127.0.0.4"), zone="z")


def test_decoder_memory_is_bounded() -> None:
    """A zone answering ever new codes does not grow the decoder without bound."""
    decoder = CodeDecoder("generic", zone="z", generic={})
    for i in range(MEMO_SIZE + 10):
        assert decoder.decode((f"127.0.{i // 256}.{i % 256}",)).error is None
    assert len(decoder._memo) <= MEMO_SIZE
