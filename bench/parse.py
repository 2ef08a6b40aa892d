"""Benchmark: `parse` throughput against the stdlib's bare parse-and-decode, in one run.

Both sides get the same messages, already in memory (the test corpus, .eml and .json):

* anchor — ``email.message_from_bytes(raw, policy=default)``, then ``walk()`` with
  ``get_content()`` on every leaf (``get_payload(decode=True)`` where that fails);
* project — ``parse_message(raw)`` plus building the ``parse --jsonl`` record and dumping it to
  JSON: the full ``parse`` path except the classifier.

Each side runs ``--rounds`` times over the corpus; the best round counts (least disturbed by the
shared machine). Usage: ``.venv/bin/python bench/parse.py [--rounds N] [DIR]``.
"""

from __future__ import annotations

import argparse
import email
import json
import logging
import time
from collections.abc import Callable
from email import policy
from pathlib import Path

from pipeline.parsing import parse_message
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


def project(raw: bytes) -> None:
    json.dumps(record("bench", parse_message(raw)))


def _seconds(fn: Callable[[bytes], None], messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        fn(raw)
    return time.perf_counter() - start


def best_rates(messages: list[bytes], rounds: int) -> tuple[float, float]:
    """Messages/s of anchor and project; rounds alternate so load hits both alike."""
    anchor = ours = float("inf")
    for _ in range(rounds):
        anchor = min(anchor, _seconds(stdlib_bare, messages))
        ours = min(ours, _seconds(project, messages))
    return len(messages) / anchor, len(messages) / ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # failures log one line each; not what we measure
    files = sorted(p for p in args.corpus.rglob("*") if p.suffix in (".eml", ".json"))
    messages = [p.read_bytes() for p in files]
    size = sum(map(len, messages))
    project(messages[0])  # warm caches (PSL load) outside the timing, as a long run would
    mails = [m for p, m in zip(files, messages, strict=True) if p.suffix == ".eml"]
    print(
        f"corpus: {len(messages)} messages ({len(mails)} mails), {size / 1e6:.2f} MB, "
        f"best of {args.rounds} rounds"
    )
    for label, subset in (("all", messages), ("mails only", mails)):
        anchor, ours = best_rates(subset, args.rounds)
        print(
            f"[{label}] stdlib bare parse+decode: {anchor:7.0f} msg/s | abuse-pipeline parse: "
            f"{ours:7.0f} msg/s | ratio {ours / anchor:.2f}x (goal >= 0.5x)"
        )


if __name__ == "__main__":
    main()
