"""SMTP ingest: the durable abuse mailbox against a bare aiosmtpd no-op handler, same load.

Both servers run as their own processes on 127.0.0.1 and receive the same load from Postfix's
``smtp-source`` (C, so the client is not the bottleneck): ``--sessions`` parallel sessions
sending ``--messages`` 4 KB messages in total over kept-open connections. Every message carries
a unique Message-Id, so the durable listener stores each one (no duplicate short-cut); after
each round the bench checks that the store holds exactly the messages sent. Rounds alternate
between the servers and the median rate of each is reported with the ratio.

    .venv/bin/python bench/smtp_ingest.py [--sessions 20] [--messages 4000] [--rounds 3]

Needs ``/usr/sbin/smtp-source`` (Debian package ``postfix``; installing it does not start
Postfix where no init system runs). ``--serve-noop PORT`` is the baseline server's entry point.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SMTP_SOURCE = "/usr/sbin/smtp-source"
ABUSE_PIPELINE = str(Path(sys.executable).with_name("abuse-pipeline"))
MESSAGE_BYTES = 4096
RECIPIENT = "abuse@localhost"


@dataclass(frozen=True)
class Sample:
    """One server under one round of load."""

    rate: float  # messages per second
    cpu_ms: float  # server CPU (all threads and processes) per message


class NoopHandler:
    """The anchor: accepts every message and forgets it."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def serve_noop(port: int) -> None:
    """Bare aiosmtpd, default event loop, no-op handler: what aiosmtpd gives out of the box."""
    import logging

    from aiosmtpd.smtp import SMTP

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        handler = NoopHandler()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="localhost", loop=loop), "127.0.0.1", port
        )
        print(f"noop listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        server.close()

    asyncio.run(main())


def start(cmd: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"listening on [\d.]+:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"server did not start: {cmd}")
    return proc, int(match.group(1))


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def load(port: int, sessions: int, messages: int) -> float:
    """Seconds smtp-source needs to deliver ``messages`` over ``sessions`` parallel sessions."""
    cmd = [
        SMTP_SOURCE,
        "-s",
        str(sessions),
        "-m",
        str(messages),
        "-l",
        str(MESSAGE_BYTES),
        "-d",
        "-f",
        "reporter@reporter.example",
        "-t",
        RECIPIENT,
        "-M",
        "mx.reporter.example",
        f"127.0.0.1:{port}",
    ]
    began = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def cpu_seconds(pid: int) -> float:
    """User+system CPU of ``pid`` and its live descendants (all threads), from /proc."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def stored(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "abuse.db") as db:
        return int(db.execute("SELECT count(*) FROM intake").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--messages", type=int, default=4000, help="messages per round, total")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1, help="smtp.processes for ours")
    parser.add_argument("--serve-noop", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_noop is not None:
        serve_noop(args.serve_noop)
        return 0
    if not Path(SMTP_SOURCE).exists():
        raise SystemExit(f"{SMTP_SOURCE} missing: apt-get install -y postfix")

    samples: dict[str, list[Sample]] = {"noop": [], "durable": []}
    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="smtp-ingest-") as tmp:
        for n in range(args.rounds):
            # Alternate which server goes first: the machine is shared, its load drifts.
            order = ["noop", "durable"] if n % 2 == 0 else ["durable", "noop"]
            for kind in order:
                if kind == "noop":
                    samples["noop"].append(run_noop(args))
                else:
                    samples["durable"].append(run_durable(args, Path(tmp) / f"round{n}"))
            noop, durable = samples["noop"][-1], samples["durable"][-1]
            ratios.append(durable.rate / noop.rate)
            print(
                f"round {n + 1}: noop {noop.rate:5.0f} msg/s {noop.cpu_ms:.2f} ms CPU/msg | "
                f"durable {durable.rate:5.0f} msg/s {durable.cpu_ms:.2f} ms CPU/msg "
                f"(all {args.messages} stored) | rate ratio {ratios[-1]:.2f}",
                flush=True,
            )

    def median(kind: str, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in samples[kind]))

    print(
        f"\n{args.sessions} sessions, {args.messages} x {MESSAGE_BYTES} B payload per round, "
        f"{args.rounds} rounds, smtp.processes = {args.processes}; medians:"
    )
    print(
        f"bare aiosmtpd no-op handler : {median('noop', 'rate'):6.0f} msg/s  "
        f"{median('noop', 'cpu_ms'):.2f} ms server CPU/msg"
    )
    print(
        f"durable abuse mailbox       : {median('durable', 'rate'):6.0f} msg/s  "
        f"{median('durable', 'cpu_ms'):.2f} ms server CPU/msg  (each fsync'd before its 250)"
    )
    print(
        f"rate ratio durable / no-op  : {statistics.median(ratios):6.2f}x  "
        f"(per round: {min(ratios):.2f}-{max(ratios):.2f})"
    )
    print(
        f"CPU ratio no-op / durable   : "
        f"{median('noop', 'cpu_ms') / median('durable', 'cpu_ms'):6.2f}x  (>1: durable cheaper)"
    )
    return 0


def measured(proc: subprocess.Popen[str], port: int, args: argparse.Namespace) -> Sample:
    cpu_before = cpu_seconds(proc.pid)
    seconds = load(port, args.sessions, args.messages)
    cpu = cpu_seconds(proc.pid) - cpu_before
    return Sample(args.messages / seconds, cpu * 1000 / args.messages)


def run_noop(args: argparse.Namespace) -> Sample:
    noop, port = start([sys.executable, __file__, "--serve-noop", "0"])
    try:
        return measured(noop, port, args)
    finally:
        stop(noop)


def run_durable(args: argparse.Namespace, data_dir: Path) -> Sample:
    # The API and the parse worker are off: this measures intake alone.
    env = {
        **os.environ,
        "ABUSE_PIPELINE_SMTP__PORT": "0",
        "ABUSE_PIPELINE_SMTP__ACCEPT_DOMAINS": '["localhost"]',
        "ABUSE_PIPELINE_SMTP__PROCESSES": str(args.processes),
        "ABUSE_PIPELINE_API__ENABLED": "false",
        "ABUSE_PIPELINE_WORKER__ENABLED": "false",
    }
    durable, port = start([ABUSE_PIPELINE, "run", "--data-dir", str(data_dir)], env)
    try:
        sample = measured(durable, port, args)
    finally:
        stop(durable)
    count = stored(data_dir)
    shutil.rmtree(data_dir)
    if count != args.messages:
        raise SystemExit(f"{count} stored, {args.messages} sent: a 250 without a stored report")
    return sample


if __name__ == "__main__":
    sys.exit(main())
