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
from pathlib import Path
from typing import Any

SMTP_SOURCE = "/usr/sbin/smtp-source"
ABUSE_PIPELINE = str(Path(sys.executable).with_name("abuse-pipeline"))
MESSAGE_BYTES = 4096
RECIPIENT = "abuse@localhost"


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

    rates: dict[str, list[float]] = {"noop": [], "durable": []}
    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="smtp-ingest-") as tmp:
        for n in range(args.rounds):
            # Alternate which server goes first: the machine is shared, its load drifts.
            order = ["noop", "durable"] if n % 2 == 0 else ["durable", "noop"]
            for kind in order:
                if kind == "noop":
                    rates["noop"].append(run_noop(args))
                else:
                    rates["durable"].append(run_durable(args, Path(tmp) / f"round{n}"))
            ratios.append(rates["durable"][-1] / rates["noop"][-1])
            print(
                f"round {n + 1}: noop {rates['noop'][-1]:.0f} msg/s, durable "
                f"{rates['durable'][-1]:.0f} msg/s (all {args.messages} stored), "
                f"ratio {ratios[-1]:.2f}",
                flush=True,
            )

    print(
        f"\n{args.sessions} sessions, {args.messages} x {MESSAGE_BYTES} B payload per round, "
        f"{args.rounds} rounds, smtp.processes = {args.processes}"
    )
    print(f"bare aiosmtpd no-op handler : {statistics.median(rates['noop']):8.0f} msg/s (median)")
    print(
        f"durable abuse mailbox       : {statistics.median(rates['durable']):8.0f} msg/s (median; "
        "each message fsync'd before its 250)"
    )
    print(f"ratio durable / no-op       : {statistics.median(ratios):8.2f}x (median of rounds)")
    return 0


def run_noop(args: argparse.Namespace) -> float:
    noop, port = start([sys.executable, __file__, "--serve-noop", "0"])
    try:
        return float(args.messages / load(port, args.sessions, args.messages))
    finally:
        stop(noop)


def run_durable(args: argparse.Namespace, data_dir: Path) -> float:
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
        seconds = load(port, args.sessions, args.messages)
    finally:
        stop(durable)
    count = stored(data_dir)
    shutil.rmtree(data_dir)
    if count != args.messages:
        raise SystemExit(f"{count} stored, {args.messages} sent: a 250 without a stored report")
    return float(args.messages / seconds)


if __name__ == "__main__":
    sys.exit(main())
