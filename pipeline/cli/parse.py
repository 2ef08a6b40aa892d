"""`abuse-pipeline parse --jsonl PATH...`: one JSON object per report file, in input order.

The output is a contract other tools rely on (see ``parse_record``). Files are parsed in one
process; reports are handed to the classifier in batches so a model loads once per run.
A file that cannot be read or parsed yields ``"ok": false`` with the reason; the exit status
is 0 unless the command itself was misused (no ``--jsonl``, a path that does not exist).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from pipeline.cli.common import add_config_options, config_from_args
from pipeline.config import ParsingConfig

#: Reports classified per call: large enough to amortise a model, small enough to stream.
BATCH_SIZE = 256


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "parse", help="parse abuse reports and print their offenders as JSON lines"
    )
    add_config_options(parser)
    parser.add_argument(
        "--jsonl",
        action="store_true",
        required=True,
        help="one JSON object per message on stdout (the only output format)",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="message file, or directory walked recursively in sorted order",
    )
    parser.set_defaults(handler=_handler)


def message_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Every file named or under a named directory, directories walked in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def _handler(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(
            f"abuse-pipeline parse: no such file or directory: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    config = config_from_args(args)
    run(message_files(args.paths), config.parsing, sys.stdout)
    return 0


def run(files: Iterator[Path], parsing: ParsingConfig, out: TextIO) -> int:
    """Parse, classify in batches and write one JSON line per file; returns the count."""
    from pipeline.parsing.records import parse_records

    count = 0
    for record in parse_records(files, parsing, batch_size=BATCH_SIZE):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    out.flush()
    return count
