"""Benchmark: `parse` throughput against the stdlib's bare parse-and-decode, in one run.

Both sides get the same messages, already in memory (the test corpus, .eml and .json):

* anchor ``default`` — ``email.message_from_bytes(raw, policy=default)``, then ``walk()`` with
  ``get_content()`` on every leaf (``get_payload(decode=True)`` where that fails);
* anchor ``compat32`` — ``email.message_from_bytes(raw)`` (the stdlib's default, legacy
  policy, which the parser itself uses), ``walk()`` and ``get_payload(decode=True)`` on every
  leaf: the cheapest bare parse-and-decode, so the stricter of the two ratios;
* project — ``parse_message(raw)`` plus building the ``parse --jsonl`` record and dumping it to
  JSON: the full ``parse`` path except the classifier.

Each side runs ``--rounds`` times over the corpus; the best round counts (least disturbed by the
shared machine); the parser's memoised look-ups are cleared before each project round,
so every round starts cold. ``--per-message`` adds a second measure against compat32: each
message timed on both sides back to back, best of the rounds per message. ``--profile N``
prints where the project side spends its time (cProfile, one cold pass, the N costliest
functions by their own time) instead of timing anything.

``--instructions`` adds a third measure that the shared machine's load cannot move: the
instructions each side executes for one pass over the corpus, counted by valgrind's callgrind
(Debian package ``valgrind``) in child runs of this script — warm-up only, then per set (all,
mails) warm-up plus one anchor pass and warm-up plus one cold project pass — each pass's count
being its run's total less the warm-up run's. Instructions are not seconds (cache misses and
branch mispredictions cost unequally), so this checks the timed ratios rather than replacing
them.
Usage: ``.venv/bin/python bench/parse.py [--rounds N] [--per-message] [--instructions]
[--profile N] [DIR]``.
"""

from __future__ import annotations

import argparse
import email
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email import policy
from pathlib import Path

from pipeline.parsing import clear_caches, parse_message
from pipeline.parsing.records import record

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"


def stdlib_bare(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=policy.default)
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            part.get_content()
        except (KeyError, LookupError, ValueError, AttributeError):
            part.get_payload(decode=True)


def stdlib_compat32(raw: bytes) -> None:
    msg = email.message_from_bytes(raw)
    for part in msg.walk():
        if not part.is_multipart():
            part.get_payload(decode=True)


def project(raw: bytes) -> None:
    json.dumps(record("bench", parse_message(raw)))


def _seconds(fn: Callable[[bytes], None], messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        fn(raw)
    return time.perf_counter() - start


def best_rates(messages: list[bytes], rounds: int) -> tuple[float, float, float]:
    """Messages/s of both anchors and the project; rounds alternate so load hits all alike."""
    default = compat = ours = float("inf")
    for _ in range(rounds):
        default = min(default, _seconds(stdlib_bare, messages))
        compat = min(compat, _seconds(stdlib_compat32, messages))
        # Host and address look-ups are memoised; a warm cache would flatter the later rounds.
        clear_caches()
        ours = min(ours, _seconds(project, messages))
    n = len(messages)
    return n / default, n / compat, n / ours


def per_message_ratios(
    files: list[Path], messages: list[bytes], rounds: int
) -> dict[str, tuple[float, float, int]]:
    """Per set: summed per-message best times of compat32 and the project, and the count.

    Each message is timed on both sides back to back and keeps its best of ``rounds``: a load
    burst on the shared machine then spoils one sample, not a whole round.
    """
    anchor = [float("inf")] * len(messages)
    ours = [float("inf")] * len(messages)
    for _ in range(rounds):
        clear_caches()
        for i, raw in enumerate(messages):
            start = time.perf_counter()
            stdlib_compat32(raw)
            middle = time.perf_counter()
            project(raw)
            end = time.perf_counter()
            anchor[i] = min(anchor[i], middle - start)
            ours[i] = min(ours[i], end - middle)
    sets: dict[str, tuple[float, float, int]] = {}
    for i, path in enumerate(files):
        for label in ("all", "mails" if path.suffix == ".eml" else "X-ARF JSON"):
            a, o, n = sets.get(label, (0.0, 0.0, 0))
            sets[label] = (a + anchor[i], o + ours[i], n + 1)
    return sets


def profile(messages: list[bytes], top: int) -> None:
    """One cold pass of the project side under cProfile; the ``top`` costliest functions."""
    import cProfile
    import pstats

    clear_caches()
    profiler = cProfile.Profile()
    profiler.runcall(_seconds, project, messages)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


#: What a child run does after the warm-up, by the side it counts.
PASSES: dict[str, Callable[[bytes], None]] = {
    "warm-up": lambda raw: None,
    "compat32": stdlib_compat32,
    "parse": project,
}


def one_pass(messages: list[bytes], mails: list[bytes], side: str, subset: str) -> None:
    """A child run's work: both sides once over the corpus (untimed), then one pass of ``side``."""
    for raw in messages:
        stdlib_compat32(raw)
        project(raw)
    clear_caches()  # the project pass starts cold, as each timed round does
    fn = PASSES[side]
    for raw in mails if subset == "mails" else messages:
        fn(raw)


def _instructions(corpus: Path, side: str, subset: str) -> int:
    """Instructions executed by a child run of this script doing ``one_pass`` of ``side``."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind (Debian package valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable]
        command += [__file__, "--one-pass", side, subset, str(corpus)]
        # One hash seed for every child run, so the warm-up they share costs the same in each.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)
        found = re.search(r"^summary:\s*(\d+)", out.read_text(), re.MULTILINE)
    if found is None:
        raise SystemExit(f"callgrind wrote no instruction summary for {side}")
    return int(found.group(1))


def instruction_ratios(corpus: Path, counts: dict[str, int]) -> None:
    """Print both sides' instructions per message and their ratio, for each set."""
    base = _instructions(corpus, "warm-up", "all")
    for label, count in counts.items():
        anchor = _instructions(corpus, "compat32", label) - base
        ours = _instructions(corpus, "parse", label) - base
        print(
            f"[{label}, instructions] stdlib compat32: {anchor / count / 1e3:6.0f} k/msg | "
            f"abuse-pipeline parse: {ours / count / 1e3:6.0f} k/msg | ratio {anchor / ours:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--per-message", action="store_true", help="also: per-message best times vs compat32"
    )
    parser.add_argument(
        "--instructions", action="store_true", help="also: instruction counts (callgrind)"
    )
    parser.add_argument(
        "--profile", type=int, metavar="N", help="profile the project side instead: top N"
    )
    parser.add_argument("--one-pass", nargs=2, help=argparse.SUPPRESS)  # a child run: side, set
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # failures log one line each; not what we measure
    files = sorted(p for p in args.corpus.rglob("*") if p.suffix in (".eml", ".json"))
    messages = [p.read_bytes() for p in files]
    size = sum(map(len, messages))
    mails = [m for p, m in zip(files, messages, strict=True) if p.suffix == ".eml"]
    if args.one_pass:
        one_pass(messages, mails, *args.one_pass)
        return
    project(messages[0])  # warm caches (PSL load) outside the timing, as a long run would
    if args.profile:
        profile(messages, args.profile)
        return
    print(
        f"corpus: {len(messages)} messages ({len(mails)} mails), {size / 1e6:.2f} MB, "
        f"best of {args.rounds} rounds"
    )
    for label, subset in (("all", messages), ("mails only", mails)):
        default, compat, ours = best_rates(subset, args.rounds)
        print(
            f"[{label}] stdlib policy=default: {default:7.0f} msg/s | stdlib compat32: "
            f"{compat:7.0f} msg/s | abuse-pipeline parse: {ours:7.0f} msg/s | ratio "
            f"{ours / default:.2f}x vs default, {ours / compat:.2f}x vs compat32 (goal >= 0.5x)"
        )
    if args.per_message:
        for label, (anchor, ours, n) in per_message_ratios(files, messages, args.rounds).items():
            print(
                f"[{label}, per message] stdlib compat32: {anchor / n * 1e6:6.0f} us/msg | "
                f"abuse-pipeline parse: {ours / n * 1e6:6.0f} us/msg | ratio {anchor / ours:.2f}x"
            )
    if args.instructions:
        instruction_ratios(args.corpus, {"all": len(messages), "mails": len(mails)})


if __name__ == "__main__":
    main()
