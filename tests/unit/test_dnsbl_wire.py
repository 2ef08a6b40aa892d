"""The hot-path DNS codec agrees with dnspython byte for byte and fails only with DecodeError."""

from __future__ import annotations

import contextlib

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rrset
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dnsbl import wire

QNAME = "2.0.0.127.zen.spamhaus.org."
FUZZ = settings(max_examples=400, deadline=None, database=None)


def _reply(
    qname: str = QNAME, rdtype: str = "A", *records: str, rcode: int = 0, ttl: int = 300
) -> dns.message.Message:
    query = dns.message.make_query(qname, rdtype)
    reply = dns.message.make_response(query)
    reply.set_rcode(dns.rcode.Rcode(rcode))
    if records:
        reply.answer.append(dns.rrset.from_text(qname, ttl, "IN", rdtype, *records))
    return reply


def _soa(reply: dns.message.Message, ttl: int, minimum: int) -> dns.message.Message:
    soa = f"ns.spamhaus.org. hostmaster.spamhaus.org. 1 3600 600 86400 {minimum}"
    reply.authority.append(dns.rrset.from_text("zen.spamhaus.org.", ttl, "IN", "SOA", soa))
    return reply


@pytest.mark.parametrize(
    ("name", "rdtype"),
    [
        (QNAME, "A"),
        ("phish.test.dbl.spamhaus.org", "TXT"),
        ("2." + "0." * 23 + "8.b.d.0.1.0.0.2.zen.spamhaus.org", "A"),
    ],
)
def test_query_is_byte_identical_to_dnspython(name: str, rdtype: str) -> None:
    """encode_query produces exactly what dnspython's make_query(...).to_wire() sends."""
    reference = dns.message.make_query(name, rdtype)
    qtype = wire.TYPE_A if rdtype == "A" else wire.TYPE_TXT
    assert wire.encode_query(reference.id, wire.encode_name(name), qtype) == reference.to_wire()


def test_all_a_records_and_their_ttls_decode() -> None:
    """Every A record of a multi-code answer is decoded with its TTL."""
    data = _reply(QNAME, "A", "127.0.0.2", "127.0.0.4", "127.0.0.10", ttl=900).to_wire()
    decoded = wire.decode_response(data)
    assert sorted(decoded.addresses) == [
        ("127.0.0.10", 900),
        ("127.0.0.2", 900),
        ("127.0.0.4", 900),
    ]


def test_compressed_names_match_dnspython() -> None:
    """Owner names written as compression pointers decode to the question name."""
    reference = _reply(QNAME, "A", "127.0.0.2")
    data = reference.to_wire()
    assert data.count(b"\x03zen") == 1  # dnspython compressed the answer's owner name
    decoded = wire.decode_response(data)
    parsed = dns.message.from_wire(data)
    assert decoded.qid == parsed.id
    assert wire.name_to_text(decoded.qname) == parsed.question[0].name.to_text().lower()
    assert [a for a, _ in decoded.addresses] == [r.to_text() for r in parsed.answer[0]]


def test_nxdomain_rcode_and_negative_ttl_from_soa() -> None:
    """NXDOMAIN is reported with the RFC 2308 negative TTL min(SOA TTL, SOA minimum)."""
    data = _soa(_reply(rcode=dns.rcode.NXDOMAIN), ttl=600, minimum=120).to_wire()
    decoded = wire.decode_response(data)
    assert (decoded.rcode, decoded.addresses, decoded.negative_ttl) == (
        wire.RCODE_NXDOMAIN,
        (),
        120,
    )


@pytest.mark.parametrize("rcode", [dns.rcode.SERVFAIL, dns.rcode.REFUSED, dns.rcode.FORMERR])
def test_error_rcodes_are_reported(rcode: int) -> None:
    """SERVFAIL, REFUSED and FORMERR come through as the response code."""
    assert wire.decode_response(_reply(rcode=rcode).to_wire()).rcode == rcode


def test_txt_strings_are_joined_per_record() -> None:
    """A TXT record of several character-strings is one reason text, as dnspython joins it."""
    reply = _reply(QNAME, "TXT", '"https://www.spamhaus.org/" "sbl/query/SBL123456"')
    decoded = wire.decode_response(reply.to_wire())
    expected = b"".join(next(iter(reply.answer[0])).strings).decode()
    assert decoded.texts == ((expected, 300),)


def test_cname_chain_is_followed() -> None:
    """A records under the CNAME target of the question count as its answer."""
    reply = _reply()
    reply.answer.append(dns.rrset.from_text(QNAME, 60, "IN", "CNAME", "alias.zen.spamhaus.org."))
    reply.answer.append(dns.rrset.from_text("alias.zen.spamhaus.org.", 60, "IN", "A", "127.0.0.4"))
    assert wire.decode_response(reply.to_wire()).addresses == (("127.0.0.4", 60),)


def test_records_for_other_names_are_ignored() -> None:
    """An A record for a name that is not the question is not part of the answer."""
    reply = _reply()
    reply.answer.append(dns.rrset.from_text("other.example.", 60, "IN", "A", "127.0.0.2"))
    assert wire.decode_response(reply.to_wire()).addresses == ()


def test_truncation_flag_is_reported() -> None:
    """The TC bit is surfaced so a partial answer is not taken as complete."""
    reply = _reply(QNAME, "A", "127.0.0.2")
    reply.flags |= dns.flags.TC
    assert wire.decode_response(reply.to_wire()).truncated


def test_ttl_with_top_bit_set_counts_as_zero() -> None:
    """RFC 2181 §8: a TTL above 2^31-1 is treated as zero."""
    data = bytearray(_reply(QNAME, "A", "127.0.0.2").to_wire())
    ttl_at = len(data) - 4 - 2 - 4  # rdata, rdlength, ttl
    data[ttl_at : ttl_at + 4] = b"\xff\xff\xff\xff"
    assert wire.decode_response(bytes(data)).addresses == (("127.0.0.2", 0),)


def test_query_is_not_taken_for_a_response() -> None:
    """A datagram without the QR bit is refused."""
    with pytest.raises(wire.DecodeError):
        wire.decode_response(dns.message.make_query(QNAME, "A").to_wire())


def test_forward_compression_pointer_is_refused() -> None:
    """A pointer that does not point backwards (a loop risk) is a DecodeError."""
    data = bytearray(_reply().to_wire())
    data[12:14] = b"\xc0\x0c"  # the question name points at itself
    with pytest.raises(wire.DecodeError):
        wire.read_question(bytes(data))


def test_overlong_label_cannot_be_encoded() -> None:
    """A label over 63 octets is an EncodeError, never a malformed query."""
    with pytest.raises(wire.EncodeError):
        wire.encode_name("x" * 64 + ".zen.spamhaus.org")


def test_overlong_name_cannot_be_encoded() -> None:
    """A name over 255 octets is an EncodeError."""
    with pytest.raises(wire.EncodeError):
        wire.encode_name(".".join(["a" * 60] * 5))


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_decode_error(data: bytes) -> None:
    """Arbitrary bytes decode or raise DecodeError; nothing else escapes."""
    with contextlib.suppress(wire.DecodeError):
        wire.decode_response(data)


_REAL_ANSWERS = [
    _reply(QNAME, "A", "127.0.0.2", "127.0.0.4", "127.0.0.10").to_wire(),
    _soa(_reply(rcode=dns.rcode.NXDOMAIN), 600, 120).to_wire(),
    _reply(
        "phish.test.dbl.spamhaus.org.", "TXT", '"https://www.spamhaus.org/query/domain/x"'
    ).to_wire(),
]


@FUZZ
@given(
    st.sampled_from(_REAL_ANSWERS),
    st.lists(st.tuples(st.integers(0, 599), st.integers(0, 255)), min_size=1, max_size=8),
    st.integers(0, 600),
)
def test_mutated_real_answers_raise_only_decode_error(
    base: bytes, flips: list[tuple[int, int]], cut: int
) -> None:
    """Real answers with bytes changed and tails cut decode or raise DecodeError only."""
    data = bytearray(base)
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    with contextlib.suppress(wire.DecodeError):
        wire.decode_response(bytes(data[: max(cut, 12)]))


@FUZZ
@given(
    st.lists(st.integers(0, 255), min_size=1, max_size=4).map(
        lambda xs: [f"127.0.{x % 3}.{x}" for x in xs]
    ),
    st.integers(0, 2**31 - 1),
)
def test_decoded_addresses_match_dnspython(codes: list[str], ttl: int) -> None:
    """For any set of A records and TTL, the codec reads what dnspython reads."""
    data = _reply(QNAME, "A", *codes, ttl=ttl).to_wire()
    parsed = dns.message.from_wire(data)
    expected = sorted((r.to_text(), parsed.answer[0].ttl) for r in parsed.answer[0])
    assert sorted(wire.decode_response(data).addresses) == expected


@pytest.mark.parametrize("name", ["a..zen.example", ".zen.example", "bücher.example"])
def test_empty_or_non_ascii_labels_cannot_be_encoded(name: str) -> None:
    """Empty labels and non-ASCII text are EncodeErrors (targets arrive as A-labels)."""
    with pytest.raises(wire.EncodeError):
        wire.encode_name(name)


@FUZZ
@given(st.lists(st.from_regex(r"[a-z0-9-]{1,63}", fullmatch=True), min_size=1, max_size=6))
def test_encoded_names_match_dnspython(labels: list[str]) -> None:
    """Any LDH name within limits encodes exactly as dnspython writes it."""
    name = ".".join(labels)
    try:
        reference = dns.name.from_text(name).to_wire()
    except dns.name.NameTooLong:
        with pytest.raises(wire.EncodeError):
            wire.encode_name(name)
        return
    assert wire.encode_name(name) == reference


_QUESTIONS = [
    (wire.encode_name(QNAME), wire.TYPE_A),
    (wire.encode_name("phish.test.dbl.spamhaus.org"), wire.TYPE_TXT),
]


@FUZZ
@given(
    st.sampled_from(_REAL_ANSWERS),
    st.sampled_from(_QUESTIONS),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 255)), max_size=4),
    st.booleans(),
)
def test_fast_question_match_agrees_with_reading_it(
    base: bytes, asked: tuple[bytes, int], flips: list[tuple[int, int]], upper: bool
) -> None:
    """expected_question finds a question only where read_question reads that very question."""
    data = bytearray(base.upper() if upper else base)
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    fast = wire.expected_question(bytes(data), *asked)
    if fast is not None:
        assert fast == wire.read_question(bytes(data))
        assert (fast.qname, fast.qtype) == asked


def test_fast_question_match_finds_the_plain_echo() -> None:
    """An answer echoing the question uncompressed is matched without reading labels."""
    answer = _reply(QNAME, "A", "127.0.0.2").to_wire()
    question = wire.expected_question(answer, wire.encode_name(QNAME), wire.TYPE_A)
    assert question == wire.read_question(answer)
