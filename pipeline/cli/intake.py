"""`abuse-pipeline intake list|show`: what the abuse mailbox (and Kafka) stored, as stored."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_config_options, config_from_args
from pipeline.config import ConfigError
from pipeline.models import IntakeState

if TYPE_CHECKING:
    from pipeline.models import IntakeRecord
    from pipeline.store.intake import SqlIntakeStore

#: Exit status when the asked-for record does not exist.
EXIT_NOT_FOUND = 1


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "intake", help="list and show raw reports in the intake store"
    )
    actions = parser.add_subparsers(dest="intake_command", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="list stored reports, oldest first")
    add_config_options(listing)
    listing.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    listing.add_argument(
        "--state", choices=[s.value for s in IntakeState], default=None, help="only this state"
    )
    listing.add_argument("--limit", type=_positive, default=100, metavar="N")
    listing.add_argument("--after", type=int, default=0, metavar="ID", help="ids above ID")
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="show one stored report")
    add_config_options(show)
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--raw", action="store_true", help="write the raw message bytes only")
    show.set_defaults(handler=_show)


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def _open_store(args: argparse.Namespace) -> SqlIntakeStore:
    from pipeline.store.engine import create_store_engine, sqlite_path
    from pipeline.store.intake import SqlIntakeStore

    config = config_from_args(args)
    # Reading must not conjure an empty store out of a mistyped --data-dir.
    if config.store.url is None and not sqlite_path(config).exists():
        raise ConfigError(f"data_dir: no intake store at {sqlite_path(config)}")
    return SqlIntakeStore(create_store_engine(config))


def record_json(record: IntakeRecord) -> dict[str, Any]:
    env = record.envelope
    return {
        "id": record.id,
        "sha256": record.sha256,
        "channel": record.channel.value,
        "received_at": record.received_at.isoformat(),
        "size": record.size,
        "state": record.state.value,
        "error": record.error,
        "peer": env.peer,
        "helo": env.helo,
        "mail_from": env.mail_from,
        "rcpt_to": list(env.rcpt_to),
    }


def _list(args: argparse.Namespace) -> int:
    state = IntakeState(args.state) if args.state else None
    records = _open_store(args).list(state=state, limit=args.limit, after_id=args.after)
    for record in records:
        if args.jsonl:
            print(json.dumps(record_json(record), ensure_ascii=False))
        else:
            print(_line(record))
    return 0


def _line(record: IntakeRecord) -> str:
    sender = record.envelope.mail_from or "<>"
    return (
        f"{record.id:>8}  {record.received_at:%Y-%m-%d %H:%M:%S}Z  {record.state.value:<11}"
        f"  {record.channel.value:<5}  {record.size:>9}  {sender}"
    )


def _show(args: argparse.Namespace) -> int:
    from pipeline.store.intake import IntakeNotFound

    store = _open_store(args)
    try:
        if args.raw:
            sys.stdout.buffer.write(store.raw(args.id))
            sys.stdout.buffer.flush()
        else:
            print(json.dumps(record_json(store.get(args.id)), ensure_ascii=False, indent=2))
    except IntakeNotFound:
        print(f"abuse-pipeline intake: no report with id {args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    return 0
