"""`abuse-pipeline rokso`: placeholder until its issue lands (owned by that issue's work)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("rokso", help="(not built yet)")
    parser.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    print("abuse-pipeline rokso: not built yet", file=sys.stderr)
    return 1
