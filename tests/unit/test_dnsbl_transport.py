"""The UDP transport and engine against a scripted responder: matching, retries, rcodes, limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, parse_target, wire
from pipeline.dnsbl.engine import MAX_REASON
from pipeline.dnsbl.transport import Nameserver, QueryTimeout, UdpTransport

QNAME = "2.0.0.192.zen.spamhaus.org."
Script = Callable[[dns.message.Message], list[bytes]]


class Responder(asyncio.DatagramProtocol):
    """A loopback UDP peer that answers each query with whatever the test's script returns."""

    def __init__(self, script: Script, delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.received = 0
        self.outstanding = 0
        self.max_outstanding = 0
        #: Source port of every query received, in arrival order.
        self.sources: list[int] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.received += 1
        self.sources.append(int(addr[1]))
        self.outstanding += 1
        self.max_outstanding = max(self.max_outstanding, self.outstanding)
        replies = self.script(dns.message.from_wire(data))
        asyncio.get_running_loop().call_later(self.delay, self._send, replies, addr)

    def _send(self, replies: list[bytes], addr: tuple[str | int, ...]) -> None:
        self.outstanding -= 1
        assert self.transport is not None
        for reply in replies:
            self.transport.sendto(reply, addr)


class Responders:
    """Starts scripted responders on loopback and closes them when the test ends."""

    def __init__(self) -> None:
        self.transports: list[asyncio.BaseTransport] = []

    async def start(self, script: Script, delay: float = 0.0) -> tuple[Responder, str]:
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_datagram_endpoint(
            lambda: Responder(script, delay), local_addr=("127.0.0.1", 0)
        )
        self.transports.append(transport)
        return proto, f"127.0.0.1:{transport.get_extra_info('sockname')[1]}"


@pytest.fixture
async def responders() -> AsyncIterator[Responders]:
    factory = Responders()
    yield factory
    for transport in factory.transports:
        transport.close()


def _answer(query: dns.message.Message, *codes: str, rcode: int = 0) -> dns.message.Message:
    reply = dns.message.make_response(query)
    reply.set_rcode(dns.rcode.Rcode(rcode))
    if codes:
        name = query.question[0].name
        reply.answer.append(dns.rrset.from_text(name, 300, "IN", "A", *codes))
    return reply


async def _transport(*ns: str, retries: int = 1, limit: int = 16, sockets: int = 1) -> UdpTransport:
    transport = UdpTransport(
        [Nameserver.parse(n) for n in ns],
        timeout=0.2,
        retries=retries,
        max_concurrency=limit,
        sockets_per_server=sockets,
    )
    await transport.open()
    return transport


async def test_answer_with_wrong_id_is_ignored(responders: Responders) -> None:
    """A reply whose id differs is dropped; the genuine reply after it completes the query."""

    def script(q: dns.message.Message) -> list[bytes]:
        forged = _answer(q, "127.0.0.9")
        forged.id = (q.id + 1) % 65536
        return [forged.to_wire(), _answer(q, "127.0.0.2").to_wire()]

    _proto, ns = await responders.start(script)
    transport = await _transport(ns)
    reply = await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert [a for a, _ in reply.addresses] == ["127.0.0.2"]
    assert transport.stray == 1
    await transport.close()


async def test_answer_for_another_question_is_ignored(responders: Responders) -> None:
    """A reply with the right id but a different question does not complete the query."""

    def script(q: dns.message.Message) -> list[bytes]:
        other = dns.message.make_query("9.9.9.9.zen.spamhaus.org", "A")
        other.id = q.id
        return [_answer(other, "127.0.0.4").to_wire()]

    _proto, ns = await responders.start(script)
    transport = await _transport(ns, retries=0)
    with pytest.raises(QueryTimeout):
        await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    await transport.close()


async def test_silence_is_retried_then_times_out(responders: Responders) -> None:
    """With retries=2 a silent server gets three attempts before QueryTimeout."""
    proto, ns = await responders.start(lambda q: [])
    transport = await _transport(ns, retries=2)
    with pytest.raises(QueryTimeout):
        await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert proto.received == 3
    await transport.close()


async def test_lost_first_attempt_is_recovered_by_a_retry(responders: Responders) -> None:
    """A dropped first datagram is answered on the retry."""
    calls: list[int] = []

    def script(q: dns.message.Message) -> list[bytes]:
        calls.append(q.id)
        return [] if len(calls) == 1 else [_answer(q, "127.0.0.2").to_wire()]

    _proto, ns = await responders.start(script)
    transport = await _transport(ns, retries=1)
    reply = await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert reply.addresses and len(calls) == 2
    await transport.close()


async def test_malformed_matching_answer_fails_at_once(responders: Responders) -> None:
    """A reply that matches but cannot be decoded raises DecodeError without retrying."""

    def script(q: dns.message.Message) -> list[bytes]:
        return [_answer(q, "127.0.0.2").to_wire()[:-3]]

    proto, ns = await responders.start(script)
    transport = await _transport(ns, retries=3)
    with pytest.raises(wire.DecodeError):
        await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert proto.received == 1
    await transport.close()


async def test_concurrency_is_bounded(responders: Responders) -> None:
    """No more than max_concurrency queries are in flight at once."""
    proto, ns = await responders.start(lambda q: [_answer(q).to_wire()], delay=0.02)
    transport = await _transport(ns, limit=3)
    names = [wire.encode_name(f"{i}.2.0.192.zen.spamhaus.org") for i in range(12)]
    await asyncio.gather(*(transport.query(n, wire.TYPE_A) for n in names))
    assert proto.received == 12 and proto.max_outstanding == 3
    await transport.close()


def _numbered(q: dns.message.Message) -> list[bytes]:
    """Answer 127.0.0.N for a query whose first label is N, so a mix-up would show."""
    return [_answer(q, f"127.0.0.{q.question[0].name.labels[0].decode()}").to_wire()]


async def test_queries_spread_over_every_socket(responders: Responders) -> None:
    """With sockets=3 the queries leave from three source ports, each answer matched to its own."""
    proto, ns = await responders.start(_numbered)
    transport = await _transport(ns, sockets=3)
    names = [wire.encode_name(f"{i}.2.0.192.zen.spamhaus.org") for i in range(1, 10)]
    replies = await asyncio.gather(*(transport.query(n, wire.TYPE_A) for n in names))
    assert [r.addresses[0][0] for r in replies] == [f"127.0.0.{i}" for i in range(1, 10)]
    assert sorted(proto.sources.count(p) for p in set(proto.sources)) == [3, 3, 3]
    await transport.close()


async def test_retry_leaves_from_another_socket(responders: Responders) -> None:
    """A lost first attempt is retried from the next socket, with its own source port."""
    calls: list[int] = []

    def script(q: dns.message.Message) -> list[bytes]:
        calls.append(q.id)
        return [] if len(calls) == 1 else [_answer(q, "127.0.0.2").to_wire()]

    proto, ns = await responders.start(script)
    transport = await _transport(ns, sockets=2)
    reply = await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert reply.addresses and len(set(proto.sources)) == 2
    await transport.close()


async def test_retry_fails_over_to_the_next_server_with_several_sockets(
    responders: Responders,
) -> None:
    """With two servers and sockets=2, a silent first server's query is retried at the second."""
    silent, silent_ns = await responders.start(lambda q: [])
    _proto, good_ns = await responders.start(lambda q: [_answer(q, "127.0.0.4").to_wire()])
    transport = await _transport(silent_ns, good_ns, retries=1, sockets=2)
    reply = await transport.query(wire.encode_name(QNAME), wire.TYPE_A)
    assert [a for a, _ in reply.addresses] == ["127.0.0.4"] and silent.received == 1
    await transport.close()


def _engine(ns: str) -> DnsblEngine:
    config = DnsblConfig(
        zones=(DnsblZoneConfig(name="zen.spamhaus.org", kind="zen"),),
        nameservers=(ns,),
        timeout=0.2,
        retries=0,
        health_checks=False,
    )
    return DnsblEngine(config)


@pytest.mark.parametrize(
    ("rcode", "error"),
    [
        (dns.rcode.SERVFAIL, "servfail"),
        (dns.rcode.REFUSED, "refused"),
        (dns.rcode.NOTIMP, "bad_answer"),
    ],
)
async def test_failing_rcodes_are_unknown_never_clean(
    responders: Responders, rcode: int, error: str
) -> None:
    """SERVFAIL, REFUSED and other failure codes make the zone's status unknown."""
    _proto, ns = await responders.start(lambda q: [_answer(q, rcode=rcode).to_wire()])
    async with _engine(ns) as engine:
        result = await engine.check(parse_target("192.0.2.2"))
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", error)
    assert not result.listed and not result.complete


async def test_truncated_empty_answer_is_unknown(responders: Responders) -> None:
    """A truncated reply without records is not taken as 'not listed'."""

    def script(q: dns.message.Message) -> list[bytes]:
        reply = _answer(q)
        reply.flags |= dns.flags.TC
        return [reply.to_wire()]

    _proto, ns = await responders.start(script)
    async with _engine(ns) as engine:
        result = await engine.check(parse_target("192.0.2.2"))
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", "bad_answer")


async def test_noerror_without_records_is_not_listed(responders: Responders) -> None:
    """NOERROR with no A record (NODATA) means the target is not listed."""
    _proto, ns = await responders.start(lambda q: [_answer(q).to_wire()])
    async with _engine(ns) as engine:
        result = await engine.check(parse_target("192.0.2.2"))
    assert result.zones[0].status == "not_listed"


async def test_cached_answer_outlives_a_zone_going_down(responders: Responders) -> None:
    """A zone that fails its probe still serves cached answers; new targets say zone_down."""
    silent = False

    def script(q: dns.message.Message) -> list[bytes]:
        return [] if silent else [_answer(q, "127.0.0.4").to_wire()]

    _proto, ns = await responders.start(script)
    async with _engine(ns) as engine:
        await engine.check(parse_target("192.0.2.4"))
        silent = True
        await engine.probe_all()
        cached = await engine.check(parse_target("192.0.2.4"))
        fresh = await engine.check(parse_target("192.0.2.5"))
    assert cached.zones[0].status == "listed" and cached.zones[0].cached_age is not None
    assert (fresh.zones[0].status, fresh.zones[0].error) == ("unknown", "zone_down")


def _listed_with_texts(*texts: str) -> Script:
    """A zone listing everything as 127.0.0.2 whose TXT records are ``texts``."""

    def script(q: dns.message.Message) -> list[bytes]:
        if q.question[0].rdtype != dns.rdatatype.TXT:
            return [_answer(q, "127.0.0.2").to_wire()]
        reply = dns.message.make_response(q)
        quoted = [f'"{t}"' for t in texts]
        reply.answer.append(dns.rrset.from_text(q.question[0].name, 300, "IN", "TXT", *quoted))
        return [reply.to_wire()]

    return script


async def _reason(responders: Responders, *texts: str) -> str | None:
    _proto, ns = await responders.start(_listed_with_texts(*texts))
    async with _engine(ns) as engine:
        result = await engine.check(parse_target("192.0.2.2"))
    return result.zones[0].reason


async def test_control_characters_in_a_reason_become_spaces(responders: Responders) -> None:
    """A TXT reason is untrusted text: escape and newline characters are replaced by spaces."""
    assert await _reason(responders, "SBL1\\010\\027[31mred") == "SBL1  [31mred"


async def test_several_reasons_are_joined_without_empty_ones(responders: Responders) -> None:
    """Several TXT records are joined with ' | '; an empty one adds nothing."""
    reason = await _reason(responders, "SBL1", "", "ref")
    assert reason is not None and sorted(reason.split(" | ")) == ["SBL1", "ref"]


async def test_overlong_reason_is_cut(responders: Responders) -> None:
    """A reason is cut at MAX_REASON characters."""
    reason = await _reason(responders, *(f"{i:03d}" + "x" * 250 for i in range(8)))
    assert reason is not None and len(reason) == MAX_REASON


async def test_query_pending_at_close_ends_as_a_timeout(responders: Responders) -> None:
    """Closing the transport ends a waiting query with QueryTimeout, retries left or not."""
    _proto, ns = await responders.start(lambda q: [])
    transport = await _transport(ns, retries=3)
    pending = asyncio.create_task(transport.query(wire.encode_name(QNAME), wire.TYPE_A))
    await asyncio.sleep(0.01)
    await transport.close()
    with pytest.raises(QueryTimeout):
        await pending


async def test_look_up_sharing_a_probe_query_at_close_is_unknown(responders: Responders) -> None:
    """A look-up waiting on the probe's query when the engine closes ends unknown, no crash."""
    _proto, ns = await responders.start(lambda q: [])
    config = DnsblConfig(
        zones=(DnsblZoneConfig(name="zen.spamhaus.org", kind="zen"),),
        nameservers=(ns,),
        timeout=5.0,
        health_start_wait=0,
    )
    engine = DnsblEngine(config)
    await engine.start()
    await asyncio.sleep(0.01)  # the probe's query for 127.0.0.2 is in flight
    look_up = asyncio.create_task(engine.check(parse_target("127.0.0.2")))
    await asyncio.sleep(0.01)
    sent_before_close = engine.counters()["zen.spamhaus.org"].queries
    await engine.close()
    result = await look_up
    assert sent_before_close == 1  # the look-up waited on the probe's query
    assert (result.zones[0].status, result.zones[0].error) == ("unknown", "timeout")
