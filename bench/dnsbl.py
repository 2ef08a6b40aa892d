"""DNSBL look-ups/s: this engine against pydnsbl (c-ares), same rbldnsd, same targets, one run.

    .venv/bin/python bench/dnsbl.py [--targets 20000] [--concurrency 100] [--rounds 3]

Starts Debian's rbldnsd on 127.0.0.1 with a generated zone (``--listed`` of the targets listed,
mixing SBL/XBL/PBL codes and TXT reasons), then checks the same target list with each client
at the same concurrency, caches off (the engine's cache is disabled; every target is distinct,
so c-ares's query cache never hits), rounds interleaved, best round reported. Three runs:

* ``pydnsbl``: ``DNSBLIpChecker`` with pydnsbl's ``ZenSpamhaus`` provider (A queries only);
* ``engine (A only)``: this engine with ``fetch_reason = false``, the same work as pydnsbl;
* ``engine (A+TXT)``: this engine as configured by default, fetching the TXT reason of listings.

Then the semantics check: a zone answering 127.255.255.254 (query via a public resolver), which
pydnsbl reports as blacklisted and this engine as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiodns
import pydnsbl
from pydnsbl.providers import ZenSpamhaus

from pipeline.config import DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import DnsblEngine, parse_target
from pipeline.logs import configure_logging
from tests.support.rbldnsd import PUBLIC_RESOLVER_ZONE, RbldnsdServer, start_rbldnsd

BENCH_ZONE = "bench.zen.test"
#: RFC 2544 benchmarking range: addresses that belong to nobody.
BENCH_NET = ipaddress.ip_network("198.18.0.0/15")
CODES = ("2", "4", "10", "3", "9")


def _targets(count: int, listed_share: float, seed: int = 5) -> tuple[list[str], set[str], str]:
    rng = random.Random(seed)
    hosts = rng.sample(range(1, BENCH_NET.num_addresses - 1), count)
    targets = [str(BENCH_NET.network_address + h) for h in hosts]
    listed = set(rng.sample(targets, int(count * listed_share)))
    lines = ["$TTL 300", ":127.0.0.2:https://www.spamhaus.org/query/ip/$"]
    lines += [f"{ip} :{CODES[i % len(CODES)]}:" for i, ip in enumerate(sorted(listed))]
    return targets, listed, "\n".join(lines) + "\n"


Timing = tuple[float, float, set[str]]


async def _drive(
    check: Callable[[str], Awaitable[bool]], targets: Sequence[str], workers: int
) -> Timing:
    """Run ``check`` over the targets with ``workers`` callers: wall s, process CPU s, listed.

    Process CPU includes c-ares's own thread, so both clients are charged all their work.
    """
    cursor = iter(targets)
    listed: set[str] = set()

    async def worker() -> None:
        for target in cursor:
            if await check(target):
                listed.add(target)

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - start, time.process_time() - cpu, listed


async def _pydnsbl(server: RbldnsdServer, zone: str, concurrency: int) -> pydnsbl.DNSBLIpChecker:
    loop = asyncio.get_running_loop()
    checker = pydnsbl.DNSBLIpChecker(
        providers=[ZenSpamhaus(host=zone)], loop=loop, timeout=2, tries=2, concurrency=concurrency
    )
    # pydnsbl always uses the system resolver on port 53; point its c-ares channel at rbldnsd.
    checker._resolver = aiodns.DNSResolver(
        nameservers=[server.host], loop=loop, timeout=2, tries=2, udp_port=server.port
    )
    return checker


def _engine(server: RbldnsdServer, zone: str, concurrency: int, reasons: bool) -> DnsblEngine:
    return DnsblEngine(
        DnsblConfig(
            zones=(DnsblZoneConfig(name=zone, kind="zen"),),
            nameservers=(server.nameserver,),
            timeout=2.0,
            retries=2,
            max_concurrency=concurrency,
            cache_size=0,
            health_checks=False,
            fetch_reason=reasons,
        )
    )


async def _round(
    server: RbldnsdServer, targets: list[str], concurrency: int, first: int
) -> dict[str, Timing]:
    """One timed pass per client; ``first`` rotates the order so no client always goes first."""
    checker = await _pydnsbl(server, BENCH_ZONE, concurrency)

    async def via_pydnsbl(ip: str) -> bool:
        return bool((await checker.check_async(ip)).blacklisted)

    async def via_engine(reasons: bool) -> Timing:
        async with _engine(server, BENCH_ZONE, concurrency, reasons) as engine:

            async def check(ip: str) -> bool:
                return (await engine.check(parse_target(ip))).listed

            return await _drive(check, targets, concurrency)

    runs: list[tuple[str, Callable[[], Awaitable[Timing]]]] = [
        ("pydnsbl", lambda: _drive(via_pydnsbl, targets, concurrency)),
        ("engine (A only)", lambda: via_engine(False)),
        ("engine (A+TXT)", lambda: via_engine(True)),
    ]
    runs = runs[first % len(runs) :] + runs[: first % len(runs)]
    return {label: await run() for label, run in runs}


async def _semantics(server: RbldnsdServer) -> dict[str, Any]:
    """What each client says when the zone answers 127.255.255.254 for a clean address."""
    checker = await _pydnsbl(server, PUBLIC_RESOLVER_ZONE, 1)
    theirs = await checker.check_async("192.0.2.200")
    engine = _engine(server, PUBLIC_RESOLVER_ZONE, 1, True)
    async with engine:
        ours = await engine.check(parse_target("192.0.2.200"))
    return {
        "answer": "127.255.255.254",
        "pydnsbl": {"blacklisted": theirs.blacklisted, "detected_by": theirs.detected_by},
        "engine": ours.to_json()["zones"][0],
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    # The machine is shared: the load beside the run says how far to trust its wall clock.
    load_before = os.getloadavg()
    targets, listed, zone_file = _targets(args.targets, args.listed)
    with tempfile.TemporaryDirectory() as tmp:
        proc, server = start_rbldnsd(
            Path(tmp),
            extra_files={"bench.txt": zone_file},
            extra_zones=[f"{BENCH_ZONE}:ip4set:bench.txt"],
        )
        try:
            rates: dict[str, list[float]] = {}
            cpu: dict[str, list[float]] = {}
            agree: dict[str, bool] = {}
            for index in range(args.rounds):
                timings = await _round(server, targets, args.concurrency, index)
                for label, (wall, used, found) in timings.items():
                    rates.setdefault(label, []).append(len(targets) / wall)
                    cpu.setdefault(label, []).append(used / len(targets) * 1e6)
                    agree[label] = agree.get(label, True) and found == listed
            semantics = await _semantics(server)
        finally:
            proc.terminate()
            proc.wait()
    best = {k: max(v) for k, v in rates.items()}
    median = {k: statistics.median(v) for k, v in rates.items()}
    return {
        "targets": len(targets),
        "listed": len(listed),
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "loop": args.loop,
        "load_average_1_5_15": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "lookups_per_s_best": {k: round(v) for k, v in best.items()},
        "lookups_per_s_median": {k: round(v) for k, v in median.items()},
        "ratio_vs_pydnsbl_best": {k: round(v / best["pydnsbl"], 2) for k, v in best.items()},
        "ratio_vs_pydnsbl_median": {k: round(v / median["pydnsbl"], 2) for k, v in median.items()},
        "cpu_us_per_lookup_min": {k: round(min(v), 1) for k, v in cpu.items()},
        "listed_set_correct": agree,
        "public_resolver_answer": semantics,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", type=int, default=20_000)
    parser.add_argument("--listed", type=float, default=0.3, help="share of targets listed")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    args = parser.parse_args()
    configure_logging("WARNING")
    if args.loop == "uvloop":
        import uvloop

        report = uvloop.run(main_async(args))
    else:
        report = asyncio.run(main_async(args))
    print(f"{'client':<18} {'best/s':>8} {'median/s':>9} {'ratio(med)':>10} {'cpu us':>7}")
    for label, rate in report["lookups_per_s_best"].items():
        print(
            f"{label:<18} {rate:>8} {report['lookups_per_s_median'][label]:>9}"
            f" {report['ratio_vs_pydnsbl_median'][label]:>9.2f}x"
            f" {report['cpu_us_per_lookup_min'][label]:>7}"
            f"  correct={report['listed_set_correct'][label]}"
        )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
