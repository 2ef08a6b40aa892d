"""The ``abuse-pipeline`` command: one sub-command module per concern, imported lazily.

Each module named in ``COMMANDS`` exposes ``register(subparsers)``; it adds its parser and sets
``handler`` (a function taking the parsed arguments and returning the exit status). Heavy
imports (spaCy, uvicorn) belong inside the handlers so ``parse`` and ``intake`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from pipeline import __version__
from pipeline.config import ConfigError

#: Sub-command modules under ``pipeline.cli``, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("run", "intake", "parse", "classify", "dnsbl", "rokso")

#: Exit status for misuse (bad arguments or configuration), as argparse uses.
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="abuse-pipeline",
        description="The abuse desk of an ISP or hosting provider, automated.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"pipeline.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"abuse-pipeline: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``… | head``): stop quietly, as the Python docs advise, and
        # keep the interpreter's final flush from raising again on the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
