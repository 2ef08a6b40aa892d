"""SMTP ingest: the durable abuse mailbox against a bare aiosmtpd no-op handler, same load.

Every server runs as its own process on 127.0.0.1 and receives the same load from Postfix's
``smtp-source`` (C, so the client is not the bottleneck): ``--sessions`` parallel sessions
sending ``--messages`` 4 KB messages in total over kept-open connections (``--reconnect``: a new
connection per message). Every message carries
a unique Message-Id, so the durable listener stores each one (no duplicate short-cut); after
each round the bench checks that the store holds exactly the messages sent. The anchor runs on
asyncio's default loop and on uvloop (ours uses uvloop), so the ratio is reported against both;
rounds rotate which server goes first and the median of each is reported with the ratios.

    .venv/bin/python bench/smtp_ingest.py [--sessions 20] [--messages 4000] [--rounds 3]
        [--processes 1] [--reconnect] [--anchors asyncio,uvloop]

Needs ``/usr/sbin/smtp-source`` (Debian package ``postfix``; installing it does not start
Postfix where no init system runs). ``--serve-noop PORT --loop asyncio|uvloop`` is the anchor
server's entry point.
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


def serve_noop(port: int, loop_kind: str) -> None:
    """Bare aiosmtpd with a no-op handler on ``loop_kind`` (asyncio's default loop or uvloop)."""
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

    factory = None
    if loop_kind == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main())


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


def load(port: int, sessions: int, messages: int, reconnect: bool) -> float:
    """Seconds smtp-source needs to deliver ``messages`` over ``sessions`` parallel sessions."""
    cmd = [
        SMTP_SOURCE,
        "-s",
        str(sessions),
        "-m",
        str(messages),
        "-l",
        str(MESSAGE_BYTES),
        *([] if reconnect else ["-d"]),  # -d: keep the connection open between messages
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


#: The anchors: bare aiosmtpd on asyncio's default loop (what it gives out of the box) and on
#: uvloop (the loop ``abuse-pipeline run`` uses), so the loop is not what makes the difference.
ANCHORS = ("asyncio", "uvloop")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--messages", type=int, default=4000, help="messages per round, total")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1, help="smtp.processes for ours")
    parser.add_argument(
        "--reconnect", action="store_true", help="one connection per message (default: kept open)"
    )
    parser.add_argument(
        "--anchors", default=",".join(ANCHORS), help="comma-separated: asyncio, uvloop"
    )
    parser.add_argument("--serve-noop", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="asyncio", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_noop is not None:
        serve_noop(args.serve_noop, args.loop)
        return 0
    if not Path(SMTP_SOURCE).exists():
        raise SystemExit(f"{SMTP_SOURCE} missing: apt-get install -y postfix")
    anchors = [a for a in args.anchors.split(",") if a]
    if not anchors or set(anchors) - set(ANCHORS):
        raise SystemExit(f"--anchors: choose from {', '.join(ANCHORS)}")

    kinds = [f"noop/{a}" for a in anchors] + ["durable"]
    samples: dict[str, list[Sample]] = {kind: [] for kind in kinds}
    ratios: dict[str, list[float]] = {a: [] for a in anchors}
    with tempfile.TemporaryDirectory(prefix="smtp-ingest-") as tmp:
        for n in range(args.rounds):
            # Rotate which server goes first: the machine is shared, its load drifts.
            for kind in kinds[n % len(kinds) :] + kinds[: n % len(kinds)]:
                if kind == "durable":
                    sample = run_durable(args, Path(tmp) / f"round{n}")
                else:
                    sample = run_noop(args, kind.removeprefix("noop/"))
                samples[kind].append(sample)
            durable = samples["durable"][-1]
            parts = []
            for anchor in anchors:
                noop = samples[f"noop/{anchor}"][-1]
                ratios[anchor].append(durable.rate / noop.rate)
                parts.append(
                    f"noop/{anchor} {noop.rate:5.0f} msg/s {noop.cpu_ms:.2f} ms "
                    f"(ratio {ratios[anchor][-1]:.2f})"
                )
            print(
                f"round {n + 1} [load {os.getloadavg()[0]:.2f}]: durable {durable.rate:5.0f} msg/s "
                f"{durable.cpu_ms:.2f} ms CPU/msg (all {args.messages} stored) | "
                + " | ".join(parts),
                flush=True,
            )

    def median(kind: str, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in samples[kind]))

    print(
        f"\n{args.sessions} sessions, {args.messages} x {MESSAGE_BYTES} B payload per round, "
        f"{args.rounds} rounds, smtp.processes = {args.processes}, "
        f"{'a new connection per message' if args.reconnect else 'connections kept open'}; medians "
        f"(rate, server CPU per message):"
    )
    for kind in kinds:
        label = "durable abuse mailbox (uvloop)" if kind == "durable" else f"bare aiosmtpd {kind}"
        print(
            f"{label:32}: {median(kind, 'rate'):6.0f} msg/s  {median(kind, 'cpu_ms'):.2f} ms"
            + ("  (each fsync'd before its 250)" if kind == "durable" else "")
        )
    for anchor in anchors:
        per_round = ratios[anchor]
        print(
            f"rate ratio durable / noop/{anchor:7}: {statistics.median(per_round):5.2f}x  "
            f"(per round: {', '.join(f'{r:.2f}' for r in per_round)})"
        )
        print(
            f"CPU ratio noop/{anchor} / durable  : "
            f"{median(f'noop/{anchor}', 'cpu_ms') / median('durable', 'cpu_ms'):5.2f}x  "
            "(>1: durable cheaper)"
        )
    return 0


def measured(proc: subprocess.Popen[str], port: int, args: argparse.Namespace) -> Sample:
    cpu_before = cpu_seconds(proc.pid)
    seconds = load(port, args.sessions, args.messages, args.reconnect)
    cpu = cpu_seconds(proc.pid) - cpu_before
    return Sample(args.messages / seconds, cpu * 1000 / args.messages)


def run_noop(args: argparse.Namespace, loop_kind: str) -> Sample:
    noop, port = start([sys.executable, __file__, "--serve-noop", "0", "--loop", loop_kind])
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
