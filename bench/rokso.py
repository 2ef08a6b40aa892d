"""ROKSO matching: the register's index against a linear scan, same register, same queries.

    .venv/bin/python bench/rokso.py [--records 2000] [--queries 20000] [--rounds 3]

Generates a register of ``--records`` fictional operations (1–3 netblocks each, /16 to /32
IPv4 and /44 to /64 IPv6, 1–3 domains, 1–2 aliases), then matches the same queries — IPv4,
IPv6, domains and subdomains, half of them listed — with:

* ``linear scan`` (anchor): the obvious code, ``ip in netblock`` over every netblock and
  ``domain == d or domain.endswith("." + d)`` over every domain;
* ``RoksoIndex``: per-prefix-length hash of netblocks, label-suffix walk over a domain set.

Both must find the same record ids for every query (checked). Also times parsing the CSV
export and importing it into a fresh SQLite register.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import ipaddress
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Config
from pipeline.rokso.formats import parse_register
from pipeline.rokso.match import RoksoIndex
from pipeline.rokso.models import RoksoRecord
from pipeline.rokso.register import RoksoRegister
from pipeline.store.engine import create_store_engine

Query = tuple[str, str]  # (kind, value)
HEADER = ("record_id", "operation", "aliases", "domains", "netblocks", "reference_url", "sbl_ids")


def _register_csv(count: int, rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(count):
        blocks = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.8:
                prefix = rng.randint(16, 32)
                addr = ipaddress.IPv4Address(rng.getrandbits(32))
                blocks.append(str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False)))
            else:
                prefix = rng.randint(44, 64)
                addr6 = ipaddress.IPv6Address((0x2001_0DB8 << 96) | rng.getrandbits(96))
                blocks.append(str(ipaddress.ip_network(f"{addr6}/{prefix}", strict=False)))
        domains = [f"op{i}-{j}.example" for j in range(rng.randint(1, 3))]
        aliases = [f"Operation {i} Alias {j}" for j in range(rng.randint(1, 2))]
        writer.writerow(
            [
                f"ROK{i:05d}",
                f"Operation {i} Media Ltd",
                ";".join(aliases),
                ";".join(domains),
                ";".join(blocks),
                f"https://www.spamhaus.org/rokso/evidence/ROK{i:05d}",
                "",
            ]
        )
    return out.getvalue()


def _queries(records: Sequence[RoksoRecord], count: int, rng: random.Random) -> list[Query]:
    queries: list[Query] = []
    for n in range(count):
        listed = n % 2 == 0
        record = rng.choice(records)
        if n % 4 < 2:  # addresses
            if listed:
                block = rng.choice(record.netblocks)
                offset = rng.randrange(block.num_addresses)
                queries.append(("ip", str(block.network_address + offset)))
            else:
                queries.append(("ip", str(ipaddress.IPv4Address(rng.getrandbits(32)))))
        elif listed:
            queries.append(("domain", f"mail{n}.{rng.choice(record.domains)}"))
        else:
            queries.append(("domain", f"host{n}.unlisted{n}.example"))
    return queries


class LinearScan:
    """The anchor: what one writes first — check every netblock and domain of every record."""

    def __init__(self, records: Sequence[RoksoRecord]) -> None:
        self.records = records

    def match(self, kind: str, value: str) -> set[str]:
        if kind == "ip":
            ip = ipaddress.ip_address(value)
            return {
                r.record_id
                for r in self.records
                for b in r.netblocks
                if b.version == ip.version and ip in b
            }
        return {
            r.record_id
            for r in self.records
            for d in r.domains
            if value == d or value.endswith("." + d)
        }


def _index_matcher(index: RoksoIndex) -> Callable[[str, str], set[str]]:
    def match(kind: str, value: str) -> set[str]:
        found = (
            index.match_ip(ipaddress.ip_address(value))
            if kind == "ip"
            else (index.match_domain(value))
        )
        return {m.record_id for m in found}

    return match


def _time(
    match: Callable[[str, str], set[str]], queries: Sequence[Query]
) -> tuple[float, list[set[str]]]:
    started = time.perf_counter()
    results = [match(kind, value) for kind, value in queries]
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=20_000)
    parser.add_argument(
        "--anchor-queries",
        type=int,
        default=2000,
        help="queries timed for the (slow) linear scan; per-query cost compared",
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)

    data = _register_csv(args.records, rng).encode()
    started = time.perf_counter()
    records = parse_register(data, "csv")
    parse_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        register = RoksoRegister(create_store_engine(Config(data_dir=Path(tmp))))
        register.migrate()
        started = time.perf_counter()
        register.import_records(
            records, source="bench.csv", sha256=hashlib.sha256(data).hexdigest()
        )
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        _version, index = register.index()
        index_s = time.perf_counter() - started

    queries = _queries(records, args.queries, rng)
    anchor_queries = queries[: args.anchor_queries]
    linear = LinearScan(records)
    indexed = _index_matcher(index)
    best_linear = best_index = float("inf")
    for _ in range(args.rounds):
        t_lin, lin_results = _time(linear.match, anchor_queries)
        t_idx, idx_results = _time(indexed, queries)
        if lin_results != idx_results[: len(anchor_queries)]:
            raise SystemExit("index and linear scan disagree: benchmark invalid")
        best_linear = min(best_linear, t_lin / len(anchor_queries))
        best_index = min(best_index, t_idx / len(queries))
    hits = sum(1 for r in idx_results if r)
    print(
        f"register: {args.records} records, {sum(len(r.netblocks) for r in records)} netblocks, "
        f"{sum(len(r.domains) for r in records)} domains"
    )
    print(
        f"parse CSV ({len(data)} bytes): {parse_s * 1000:.1f} ms; import into SQLite: "
        f"{import_s * 1000:.1f} ms; build index from store: {index_s * 1000:.1f} ms"
    )
    print(
        f"queries: {len(queries)} ({hits} matched), best of {args.rounds} rounds; "
        f"results identical on the {len(anchor_queries)} anchor queries"
    )
    print(f"linear scan (anchor): {best_linear * 1e6:10.1f} µs/query  {1 / best_linear:12.0f} q/s")
    print(f"RoksoIndex:           {best_index * 1e6:10.1f} µs/query  {1 / best_index:12.0f} q/s")
    print(f"ratio: {best_linear / best_index:.0f}x")


if __name__ == "__main__":
    main()
