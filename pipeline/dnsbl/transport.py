"""Queries over shared non-blocking UDP sockets, matched to their answers by id AND question.

One connected UDP socket (or a few) per nameserver carries every look-up; the kernel drops
datagrams from any other source address, and an answer is only accepted when its id, name and
type all match a query still waiting on that socket (RFC 5452 §9.1), so a stray or spoofed
reply cannot complete the wrong look-up. Ids are random (RFC 5452 §9.2).

Throughput comes from doing little per query: a readable socket is drained of every queued
answer in one wake-up (asyncio's datagram transport reads one per wake-up), and since every
attempt has the same timeout, deadlines expire in send order from one FIFO with a single timer
instead of a timer per query. A timed-out attempt is retried with a fresh id on the next socket
(the next server's, when several are configured).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dns.resolver

from pipeline.dnsbl import wire

log = logging.getLogger(__name__)

#: RFC 1035 §4.2.1 / RFC 6335: DNS listens on port 53.
DNS_PORT = 53
#: Where the system resolver's nameservers are listed (resolv.conf(5)).
RESOLV_CONF = "/etc/resolv.conf"
#: RFC 1035 §4.1.1: the query id is 16 bits.
ID_SPACE = 1 << 16
#: Random ids are drawn from the OS in blocks: one getrandom call per this many ids.
ID_BLOCK = 2048
#: RFC 6891 §6.2.5 caps UDP payloads at 65535 octets; read buffers take any datagram whole.
MAX_DATAGRAM = 65535
#: Answers read per wake-up before yielding to the loop, so one busy socket cannot starve it.
MAX_DRAIN = 512
#: A query waiting on a socket, by id: its name, its type and the future its answer completes.
_Pending = tuple[bytes, int, asyncio.Future[wire.Response]]


class QueryTimeout(Exception):
    """No matching answer came within the timeout, on any attempt."""


@dataclass(frozen=True, slots=True)
class Nameserver:
    host: str
    port: int = DNS_PORT

    @classmethod
    def parse(cls, text: str) -> Nameserver:
        """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address."""
        text = text.strip()
        if text.startswith("["):
            host, sep, rest = text[1:].partition("]")
            if not sep:
                raise ValueError(f"bad nameserver {text!r}")
            port = rest.removeprefix(":") or str(DNS_PORT)
        elif text.count(":") == 1:
            host, port = text.split(":")
        else:
            host, port = text, str(DNS_PORT)
        if not host or not port.isdigit() or not 0 < int(port) < ID_SPACE:
            raise ValueError(f"bad nameserver {text!r}")
        return cls(host=host, port=int(port))


def system_nameservers(resolv_conf: Path | str = RESOLV_CONF) -> tuple[Nameserver, ...]:
    """The system resolver's servers (``nameserver`` lines of resolv.conf, port 53): the fallback.

    Empty when the file is missing, unreadable or names no server.
    """
    try:
        resolver = dns.resolver.Resolver(filename=str(resolv_conf), configure=True)
    except dns.resolver.NoResolverConfiguration:
        return ()
    return tuple(Nameserver(str(ns), resolver.port) for ns in resolver.nameservers)


class _QueryIds:
    """Unpredictable 16-bit ids without a system call per query."""

    def __init__(self) -> None:
        self._block = memoryview(b"")
        self._at = 0

    def next(self) -> int:
        if self._at >= len(self._block):
            self._block = memoryview(os.urandom(2 * ID_BLOCK)).cast("H")
            self._at = 0
        value: int = self._block[self._at]
        self._at += 1
        return value


class _Socket:
    """One connected non-blocking UDP socket and the queries waiting on it."""

    def __init__(self, server: Nameserver, loop: asyncio.AbstractEventLoop) -> None:
        family, _type, _proto, _name, address = socket.getaddrinfo(
            server.host, server.port, type=socket.SOCK_DGRAM
        )[0]
        self.server = server
        self.pending: dict[int, _Pending] = {}
        self.stray = 0
        self._loop = loop
        self._outbox: list[bytes] = []
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self._sock.connect(address)
        loop.add_reader(self._sock.fileno(), self._readable)

    def send(self, data: bytes) -> None:
        """Queue a query; every query queued in this loop iteration goes out in one burst.

        Sending in bursts lets the server work through them in one wake-up instead of being
        woken (a cross-CPU interrupt) for every single datagram.
        """
        if not self._outbox:
            self._loop.call_soon(self._flush)
        self._outbox.append(data)

    def _flush(self) -> None:
        outbox, self._outbox = self._outbox, []
        send = self._sock.send
        for data in outbox:
            try:
                send(data)
            except OSError as exc:
                # Full buffer or an ICMP error reported late: the attempt counts as lost and
                # its timeout retries it.
                log.debug("udp send failed", extra={"fields": {"error": str(exc)}})

    def _readable(self) -> None:
        for _ in range(MAX_DRAIN):
            try:
                data = self._sock.recv(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # ICMP port unreachable and the like cannot be tied to one query.
                log.debug("udp receive error", extra={"fields": {"error": str(exc)}})
                continue
            self._deliver(data)

    def _deliver(self, data: bytes) -> None:
        pending = self.pending.get(int.from_bytes(data[:2])) if len(data) >= 2 else None
        if pending is None:
            # Late answer to a timed-out attempt, garbage, or not ours at all.
            self.stray += 1
            return
        qname, qtype, future = pending
        # The question must be ours (RFC 5452 §9.1). Servers echo it as sent, and a question
        # name has nothing before it to be compressed against: comparing bytes is reading it.
        question = wire.expected_question(data, qname, qtype)
        if question is None:
            self.stray += 1
            log.debug("dropped a datagram that answers none of our questions")
            return
        del self.pending[question.qid]
        if future.done():
            self.stray += 1
            return
        try:
            future.set_result(wire.decode_response(data, question))
        except wire.DecodeError as exc:
            future.set_exception(exc)

    def close(self) -> None:
        self._loop.remove_reader(self._sock.fileno())
        self._sock.close()
        for _qname, _qtype, future in self.pending.values():
            if not future.done():
                future.set_exception(QueryTimeout("socket closed"))
        self.pending.clear()


class UdpTransport:
    """Sends queries to the nameservers over shared sockets with retries and bounded concurrency."""

    def __init__(
        self,
        servers: Sequence[Nameserver],
        *,
        timeout: float,
        retries: int,
        max_concurrency: int,
        sockets_per_server: int = 1,
    ) -> None:
        if not servers:
            raise ValueError("no nameservers to ask")
        self._servers = tuple(servers)
        self._timeout = timeout
        self._retries = retries
        self._sockets_per_server = sockets_per_server
        self._limit = asyncio.Semaphore(max_concurrency)
        self._sockets: list[_Socket] = []
        self._next = 0
        self._ids = _QueryIds()
        # (deadline, future) in send order; equal timeouts keep it sorted by deadline.
        self._deadlines: deque[tuple[float, asyncio.Future[wire.Response]]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self.sent = 0

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        # Servers alternate in the rotation, so a retry goes to another server when there is
        # one, whatever the number of sockets per server.
        for _ in range(self._sockets_per_server):
            for server in self._servers:
                self._sockets.append(_Socket(server, loop))

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        self._deadlines.clear()

    @property
    def stray(self) -> int:
        """Datagrams dropped because they matched no waiting query (late, spoofed, garbage)."""
        return sum(s.stray for s in self._sockets)

    async def query(self, qname: bytes, qtype: int) -> wire.Response:
        """Ask until a matching answer arrives; ``QueryTimeout`` after every attempt timed out.

        ``DecodeError`` (a matching but malformed answer) is raised at once: asking the same
        server again would get the same bytes.
        """
        async with self._limit:
            loop = asyncio.get_running_loop()
            for _attempt in range(self._retries + 1):
                sockets = self._sockets
                if not sockets:
                    # Not open yet, or closed while this query waited: no answer can come.
                    raise QueryTimeout("transport is not open")
                sock = sockets[self._next % len(sockets)]
                self._next += 1
                future: asyncio.Future[wire.Response] = loop.create_future()
                qid = self._register(sock, qname, qtype, future)
                self._deadlines.append((time.monotonic() + self._timeout, future))
                if self._timer is None:
                    self._timer = loop.call_later(self._timeout, self._expire)
                sock.send(wire.encode_query(qid, qname, qtype))
                self.sent += 1
                try:
                    return await future
                except QueryTimeout:
                    continue
                finally:
                    waiting = sock.pending.get(qid)
                    if waiting is not None and waiting[2] is future:
                        del sock.pending[qid]
            raise QueryTimeout(f"no answer after {self._retries + 1} attempts")

    def _register(
        self, sock: _Socket, qname: bytes, qtype: int, future: asyncio.Future[wire.Response]
    ) -> int:
        """A fresh id for the query on this socket (ids in use are drawn again)."""
        while True:
            qid = self._ids.next()
            if qid not in sock.pending:
                sock.pending[qid] = (qname, qtype, future)
                return qid

    def _expire(self) -> None:
        """Fail every attempt whose deadline has passed, then sleep until the next one."""
        self._timer = None
        now = time.monotonic()
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= now:
            _deadline, future = deadlines.popleft()
            if not future.done():
                future.set_exception(QueryTimeout("attempt timed out"))
        if deadlines:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(loop.time() + max(deadlines[0][0] - now, 0.0), self._expire)
