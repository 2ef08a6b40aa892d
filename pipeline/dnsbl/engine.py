"""The DNSBL lookup engine: every configured zone, exact semantics, cache, health, breaker.

One engine per process, shared by the pipeline, the API and the CLI. A target is asked of the
zones that list its kind (IP lists for IPs, domain lists for domains) concurrently. The answer
classes are exact and never wrong in the dangerous direction: NXDOMAIN is ``not_listed``;
timeout, SERVFAIL, REFUSED and malformed answers are ``unknown``; a list's refusal codes are
``error``. Neither of the last two is ever a listing, nor ever clean.

Identical queries in flight at the same moment are sent once and their answer shared
(``flight.SingleFlight``). Health probes run in the background from ``start()`` on, which
waits for them only briefly, so an unreachable resolver does not hold up the service's start;
until a zone's first probe is back its health is ``unprobed`` and it is asked as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.clock import Clock, SystemClock
from pipeline.config import ConfigError, DnsblConfig
from pipeline.dnsbl import wire
from pipeline.dnsbl.cache import AnswerCache
from pipeline.dnsbl.codes import ZONE_REFUSALS, CodeDecoder
from pipeline.dnsbl.counters import ZoneCounters, ZoneTally
from pipeline.dnsbl.flight import SingleFlight
from pipeline.dnsbl.health import ZoneHealth
from pipeline.dnsbl.results import ErrorKind, TargetResult, ZoneResult, ZoneStatus
from pipeline.dnsbl.targets import Target
from pipeline.dnsbl.transport import (
    RESOLV_CONF,
    Nameserver,
    QueryTimeout,
    UdpTransport,
    system_nameservers,
)
from pipeline.dnsbl.zones import Zone, build_zones

log = logging.getLogger(__name__)

#: Longest TXT reason kept; a zone's TXT is untrusted text that ends up in notices and logs.
MAX_REASON = 1024
#: Transport failures: the answer is not known, so the target is neither listed nor clean.
_UNKNOWN_KINDS: frozenset[str] = frozenset(
    {"timeout", "servfail", "refused", "bad_answer", "zone_down"}
)
_RCODE_ERRORS: dict[int, ErrorKind] = {
    wire.RCODE_SERVFAIL: "servfail",
    wire.RCODE_REFUSED: "refused",
}


class DnsblEngine:
    """Checks targets against every configured zone; one instance per process, shared."""

    def __init__(
        self,
        config: DnsblConfig,
        *,
        nameservers: Sequence[str] | None = None,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        resolv_conf: Path | str = RESOLV_CONF,
    ) -> None:
        """``nameservers`` (``host:port``) overrides the configured ones (CLI ``--nameserver``).

        With neither, ``start()`` asks the system resolver named in ``resolv_conf``.
        """
        self._config = config
        self._resolv_conf = resolv_conf
        self._zones = build_zones(config)
        self._zones_for = {
            kind: [z for z in self._zones if z.lists == kind] for kind in ("ip", "domain")
        }
        chosen = tuple(config.nameservers if nameservers is None else nameservers)
        try:
            self._nameservers = tuple(Nameserver.parse(s) for s in chosen)
        except ValueError as exc:
            raise ConfigError(f"dnsbl.nameservers: {exc}") from None
        self._clock = clock or SystemClock()
        self._cache = AnswerCache(
            size=config.cache_size,
            min_ttl=config.cache_min_ttl,
            max_ttl=config.cache_max_ttl,
            negative_ttl=config.negative_ttl,
            now=monotonic,
        )
        self._health = {
            z.display: ZoneHealth(
                z.display,
                cooldown=config.breaker_cooldown,
                clock=self._clock,
                monotonic=monotonic,
                probe_scheduled=config.health_checks and _has_probe(z),
            )
            for z in self._zones
        }
        self._tally = {z.display: ZoneTally(z.display) for z in self._zones}
        self._flights: dict[str, SingleFlight[tuple[bytes, int], wire.Response | ErrorKind]] = {
            z.display: SingleFlight() for z in self._zones
        }
        self._decoders = {
            z.display: CodeDecoder(z.kind, zone=z.display, generic=z.codes) for z in self._zones
        }
        self._transport: UdpTransport | None = None
        self._probe_task: asyncio.Task[None] | None = None
        self._first_probe = asyncio.Event()
        self._closed = False

    @property
    def zones(self) -> tuple[str, ...]:
        """Display names of the configured zones, in configuration order."""
        return tuple(z.display for z in self._zones)

    async def start(self) -> None:
        """Open the UDP socket(s) and start probing every zone in the background.

        Waits for the first probe round at most ``health_start_wait`` seconds; ``probed()``
        waits for it without limit.
        """
        self._closed = False
        self._first_probe = asyncio.Event()
        servers = self._nameservers or system_nameservers(self._resolv_conf)
        if not servers:
            raise ConfigError("dnsbl.nameservers: none configured and no system resolver found")
        self._transport = UdpTransport(
            servers,
            timeout=self._config.timeout,
            retries=self._config.retries,
            max_concurrency=self._config.max_concurrency,
            sockets_per_server=self._config.sockets,
        )
        await self._transport.open()
        if self._config.health_checks:
            self._probe_task = asyncio.create_task(self._probe_loop(), name="dnsbl-health")
            if self._config.health_start_wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.probed(), self._config.health_start_wait)
        else:
            self._first_probe.set()

    async def probed(self) -> None:
        """Wait until every zone's first probe is back (at once when probing is off or closed).

        The CLI waits so that a down zone says ``zone_down``; the service does not wait.
        """
        await self._first_probe.wait()

    async def close(self) -> None:
        """Stop the probe task and close the sockets; pending look-ups end as ``unknown``."""
        self._closed = True
        self._first_probe.set()
        if self._probe_task is not None:
            self._probe_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe_task
            self._probe_task = None
        if self._transport is not None:
            await self._transport.close()
            self._transport = None

    async def __aenter__(self) -> DnsblEngine:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def check(self, target: Target) -> TargetResult:
        """One target against every zone that lists its kind (IP lists for IPs, etc.)."""
        zones = self._zones_for[target.kind]
        if len(zones) == 1:
            results: Sequence[ZoneResult] = (await self._zone_result(zones[0], target),)
        else:
            results = await asyncio.gather(*(self._zone_result(z, target) for z in zones))
        return TargetResult(target=target.value, kind=target.kind, zones=tuple(results))

    async def check_many(self, targets: Iterable[Target]) -> list[TargetResult]:
        """Many targets, concurrently (bounded by ``max_concurrency``), results in input order."""
        items = list(targets)
        out: list[TargetResult | None] = [None] * len(items)
        cursor = iter(range(len(items)))

        async def worker() -> None:
            for index in cursor:
                out[index] = await self.check(items[index])

        workers = min(self._config.max_concurrency, len(items))
        await asyncio.gather(*(worker() for _ in range(workers)))
        return [r for r in out if r is not None]

    def health(self) -> dict[str, Any]:
        """Per zone display name: up/down, last probe, probe error, breaker state, alert flag."""
        return {name: h.to_json() for name, h in self._health.items()}

    def counters(self) -> dict[str, ZoneCounters]:
        """Per zone display name: queries, shared answers, cache hits/misses, timeouts, errors."""
        return {
            name: t.snapshot(shared=self._flights[name].shared) for name, t in self._tally.items()
        }

    async def probe_all(self) -> None:
        """Probe every zone now: its listed test point must list, its clean one must not."""
        await asyncio.gather(*(self._probe(z) for z in self._zones))

    async def _probe_loop(self) -> None:
        while True:
            try:
                await self.probe_all()
            except Exception:  # a probe bug must not end probing for good
                log.exception("dnsbl health probe failed")
            self._first_probe.set()
            await asyncio.sleep(self._config.health_interval)

    async def _probe(self, zone: Zone) -> None:
        problems = []
        if zone.probe_listed is not None:
            r = await self._zone_result(zone, zone.probe_listed, use_cache=False, gated=False)
            if r.status != "listed":
                problems.append(f"{zone.probe_listed.value} not listed ({r.error or r.status})")
        if zone.probe_clean is not None:
            r = await self._zone_result(zone, zone.probe_clean, use_cache=False, gated=False)
            if r.status != "not_listed":
                problems.append(f"{zone.probe_clean.value} not clean ({r.error or r.status})")
        if zone.probe_listed is None and zone.probe_clean is None:
            return
        self._health[zone.display].probed("; ".join(problems) or None)

    def _failure(
        self, zone: Zone, target: Target, kind: ErrorKind, *, known: bool = False
    ) -> ZoneResult:
        """A zone result without an answer, counted and logged.

        ``known`` marks failures already announced once (zone down, breaker open): they are
        logged at DEBUG so an outage does not become one log line per look-up.
        """
        self._tally[zone.display].errors[kind] += 1
        status: ZoneStatus = "unknown" if kind in _UNKNOWN_KINDS else "error"
        log.log(
            logging.DEBUG if known else logging.INFO,
            "dnsbl zone gave no answer",
            extra={"fields": {"zone": zone.display, "target": target.value, "error": kind}},
        )
        return ZoneResult(zone=zone.display, status=status, error=kind)

    async def _zone_result(
        self, zone: Zone, target: Target, *, use_cache: bool = True, gated: bool = True
    ) -> ZoneResult:
        health = self._health[zone.display]
        tally = self._tally[zone.display]
        key = (zone.display, target.value)
        if use_cache:
            # A definite answer still within its TTL stays true while the zone is unreachable.
            hit = self._cache.get(key)
            if hit is not None:
                tally.cache_hits += 1
                entry, age = hit
                status: ZoneStatus = "listed" if entry.listings else "not_listed"
                return ZoneResult(zone.display, status, entry.listings, entry.reason, None, age)
            tally.cache_misses += 1
        if gated:
            refusal = health.breaker_kind
            if refusal is not None and (health.up is False or not health.allows_query()):
                # The zone refused us recently; say why instead of asking again.
                return self._failure(zone, target, refusal, known=True)
            if health.up is False:
                return self._failure(zone, target, "zone_down", known=True)
        try:
            qname = zone.qname(target)
        except wire.EncodeError:
            return self._failure(zone, target, "name_too_long")
        answer = await self._ask(zone, qname, wire.TYPE_A)
        if isinstance(answer, str):
            return self._failure(zone, target, answer)
        if answer.rcode == wire.RCODE_NXDOMAIN or (
            answer.rcode == wire.RCODE_NOERROR and not answer.addresses and not answer.truncated
        ):
            health.answered()
            self._cache.put_not_listed(key, answer.negative_ttl)
            return ZoneResult(zone.display, "not_listed")
        if answer.rcode != wire.RCODE_NOERROR:
            return self._failure(zone, target, _RCODE_ERRORS.get(answer.rcode, "bad_answer"))
        if not answer.addresses:
            return self._failure(zone, target, "bad_answer")  # truncated, nothing usable
        decoded = self._decoders[zone.display].decode(
            tuple([code for code, _ttl in answer.addresses])
        )
        if decoded.unknown_codes:
            log.warning(
                "dnsbl zone answered codes outside its table",
                extra={"fields": {"zone": zone.display, "codes": list(decoded.unknown_codes)}},
            )
        if decoded.error is not None:
            if decoded.error in ZONE_REFUSALS:
                health.trip(decoded.error)
            return self._failure(zone, target, decoded.error)
        health.answered()
        reason = await self._reason(zone, qname) if self._config.fetch_reason else None
        ttl = min(t for _code, t in answer.addresses)
        self._cache.put_listed(key, decoded.listings, reason, ttl)
        return ZoneResult(zone.display, "listed", decoded.listings, reason)

    def _ask(
        self, zone: Zone, qname: bytes, qtype: int
    ) -> Coroutine[Any, Any, wire.Response | ErrorKind]:
        """One logical query, merged with the same one in flight; a failure is its error kind.

        A plain function handing back the flight's coroutine: one frame fewer to resume on
        every answer.
        """
        return self._flights[zone.display].run((qname, qtype), self._query, zone, qname, qtype)

    async def _query(self, zone: Zone, qname: bytes, qtype: int) -> wire.Response | ErrorKind:
        transport = self._transport
        tally = self._tally[zone.display]
        if transport is None:
            if not self._closed:
                raise RuntimeError("DnsblEngine.start() was not awaited")
            # A look-up racing shutdown (e.g. handed back by a cancelled probe): no answer.
            tally.timeouts += 1
            return "timeout"
        tally.queries += 1
        try:
            return await transport.query(qname, qtype)
        except QueryTimeout:
            tally.timeouts += 1
            return "timeout"
        except wire.DecodeError as exc:
            log.warning(
                "dnsbl answer could not be decoded",
                extra={"fields": {"zone": zone.display, "error": str(exc)}},
            )
            return "bad_answer"

    async def _reason(self, zone: Zone, qname: bytes) -> str | None:
        """The TXT text of a listing; missing TXT is no error (many lists publish none)."""
        answer = await self._ask(zone, qname, wire.TYPE_TXT)
        if isinstance(answer, str) or answer.rcode != wire.RCODE_NOERROR or not answer.texts:
            return None
        texts = dict.fromkeys([text for text, _ttl in answer.texts if text])
        reason = " | ".join(texts)
        if not reason.isprintable():  # rare: control characters in untrusted text
            reason = "".join(c if c.isprintable() else " " for c in reason)
        return reason[:MAX_REASON] or None


def _has_probe(zone: Zone) -> bool:
    return zone.probe_listed is not None or zone.probe_clean is not None
