"""``abuse-pipeline dnsbl check``: is this IP or domain listed, where, why?

One result per target, in input order. With ``--jsonl`` each line is the JSON object that
``GET /v1/dnsbl/{target}`` returns; text that is not an IP or domain gets a line with
``"error": "invalid_target"`` and is never queried. Exit status: 0 when every target got a
definite answer from every zone (listed or not), 1 when any target was invalid, 3 when any
zone answer was ``error`` or ``unknown`` (refused, timeout, zone down), 2 for bad usage or
configuration. Being listed does not change the exit status: read the output.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_config_options, config_from_args

if TYPE_CHECKING:
    from pipeline.dnsbl.results import TargetResult
    from pipeline.dnsbl.targets import Target

EXIT_OK = 0
EXIT_INVALID_TARGET = 1
EXIT_INCOMPLETE = 3


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dnsbl", help="DNSBL (Spamhaus) look-ups"
    )
    actions = parser.add_subparsers(dest="dnsbl_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="check IPs and domains against the configured zones",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_options(check)
    check.add_argument("--jsonl", action="store_true", help="one JSON object per target")
    check.add_argument(
        "--nameserver",
        action="append",
        default=None,
        metavar="HOST:PORT",
        help="ask this server instead of the configured/system resolver (repeatable)",
    )
    check.add_argument(
        "--no-probe", action="store_true", help="skip the zones' health probe before checking"
    )
    check.add_argument("targets", nargs="+", metavar="TARGET", help="IP or domain; - reads stdin")
    check.set_defaults(handler=_check)


def _targets(args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    for item in args.targets:
        if item == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            out.append(item)
    return out


def _text_line(result: TargetResult) -> str:
    parts = [result.target]
    for zone in result.zones:
        if zone.status == "listed":
            names = ",".join(f"{item.name}({item.code})" for item in zone.listings)
            detail = f"listed {names}" + (f" — {zone.reason}" if zone.reason else "")
        elif zone.status == "not_listed":
            detail = "not listed"
        else:
            detail = f"{zone.status}: {zone.error}"
        parts.append(f"  {zone.zone}: {detail}")
    return "\n".join(parts)


def _check(args: argparse.Namespace) -> int:
    import asyncio
    import json
    import logging

    from pipeline.dnsbl import DnsblEngine, InvalidTarget, invalid_target_json, parse_target
    from pipeline.logs import configure_logging

    config = config_from_args(args)
    configure_logging(
        max(config.log_level, "WARNING", key=logging.getLevelName), secrets=config.secrets()
    )
    dnsbl = config.dnsbl
    if args.no_probe:
        dnsbl = dnsbl.model_copy(update={"health_checks": False})
    engine = DnsblEngine(dnsbl, nameservers=args.nameserver)

    parsed: list[Target | dict[str, Any]] = []
    for text in _targets(args):
        try:
            parsed.append(parse_target(text))
        except InvalidTarget as exc:
            logging.getLogger(__name__).warning(
                "invalid dnsbl target", extra={"fields": {"target": text, "error": str(exc)}}
            )
            parsed.append(invalid_target_json(text, str(exc)))

    async def run() -> list[TargetResult]:
        async with engine:
            # A one-shot check waits for the probe, so a zone found down says zone_down.
            await engine.probed()
            return await engine.check_many([p for p in parsed if not isinstance(p, dict)])

    results = iter(asyncio.run(run()))
    status = EXIT_OK
    for item in parsed:
        if isinstance(item, dict):
            print(
                json.dumps(item) if args.jsonl else f"{item['target']}\n  invalid: {item['detail']}"
            )
            status = EXIT_INVALID_TARGET
            continue
        result = next(results)
        print(json.dumps(result.to_json()) if args.jsonl else _text_line(result))
        if not result.complete and status == EXIT_OK:
            status = EXIT_INCOMPLETE
    return status
