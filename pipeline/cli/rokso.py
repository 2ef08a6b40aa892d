"""`abuse-pipeline rokso`: import, list, show and match the ROKSO register.

``import`` exits 0 when the file was stored (or equals the version in force) and 1 when it was
refused, with the reason naming the row. ``match`` exits 0 when something matched and 1 when
nothing did, like ``grep``, so scripts can test it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_config_options, config_from_args

if TYPE_CHECKING:
    from pipeline.rokso.register import RoksoRegister

EXIT_REFUSED = 1


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rokso", help="the ROKSO register: import, list, show, match"
    )
    commands = parser.add_subparsers(dest="rokso_command", required=True, metavar="ACTION")

    imp = commands.add_parser("import", help="import an operator-held ROKSO export (CSV/JSON)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--format", choices=("csv", "json"), default=None, help="default: by suffix")
    imp.add_argument("--json", action="store_true", help="print the outcome as JSON")
    imp.set_defaults(handler=_import)

    lst = commands.add_parser("list", help="records of the version in force, one per line")
    lst.set_defaults(handler=_list)

    ver = commands.add_parser("versions", help="every imported version with its diff summary")
    ver.set_defaults(handler=_versions)

    show = commands.add_parser("show", help="one record as JSON")
    show.add_argument("record_id", metavar="ID")
    show.set_defaults(handler=_show)

    match = commands.add_parser("match", help="match an IP, netblock, domain or name")
    match.add_argument("target", metavar="TARGET")
    match.set_defaults(handler=_match)

    for sub in (imp, lst, ver, show, match):
        add_config_options(sub)


def _open(args: argparse.Namespace) -> RoksoRegister:
    from pipeline.logs import configure_logging
    from pipeline.rokso.register import RoksoRegister
    from pipeline.store.engine import create_store_engine

    config = config_from_args(args)
    # Warnings and errors only: the command's own output is its report.
    configure_logging("WARNING", config.secrets())
    register = RoksoRegister(create_store_engine(config))
    register.migrate()
    return register


def _import(args: argparse.Namespace) -> int:
    from pipeline.rokso.formats import RoksoImportError, detect_format, parse_register

    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"abuse-pipeline rokso import: {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        records = parse_register(data, args.format or detect_format(path.name, data))
    except RoksoImportError as exc:
        print(f"abuse-pipeline rokso import: {path}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    from pipeline.rokso.register import ConcurrentImport

    digest = hashlib.sha256(data).hexdigest()
    try:
        outcome = _open(args).import_records(records, source=str(path), sha256=digest)
    except ConcurrentImport as exc:
        print(f"abuse-pipeline rokso import: {path}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    version = outcome.version
    if args.json:
        print(json.dumps({"created": outcome.created, **version.to_json()}))
    elif not outcome.created:
        print(f"unchanged: version {version.version} ({version.record_count} records) in force")
    else:
        print(f"version {version.version}: {version.record_count} records from {path}")
        for label, ids in version.diff.to_json().items():
            print(f"  {label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
    return 0


def _list(args: argparse.Namespace) -> int:
    register = _open(args)
    current = register.current()
    if current is None:
        print("the register is empty (no import yet)", file=sys.stderr)
        return 0
    print(f"# version {current.version}, imported {current.imported_at.isoformat()}")
    for record in register.records(current.version):
        print(f"{record.record_id}\t{record.operation}")
    return 0


def _versions(args: argparse.Namespace) -> int:
    for version in _open(args).versions():
        print(json.dumps(version.to_json()))
    return 0


def _show(args: argparse.Namespace) -> int:
    record = _open(args).record(args.record_id)
    if record is None:
        print(f"abuse-pipeline rokso show: no record {args.record_id!r}", file=sys.stderr)
        return EXIT_REFUSED
    print(json.dumps(record.to_json(), indent=2))
    return 0


def _match(args: argparse.Namespace) -> int:
    _, index = _open(args).index()
    matches = index.match_target(args.target)
    for match in matches:
        print(json.dumps(match.to_json()))
    return 0 if matches else EXIT_REFUSED
