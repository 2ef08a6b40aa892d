"""`abuse-pipeline run`: the service (abuse mailbox listener and what later issues add)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_config_options, config_from_args

if TYPE_CHECKING:
    from pipeline.service import Service

#: Exit status when a component cannot start (port in use, address not available).
EXIT_START_FAILED = 1


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="run the service: the abuse mailbox listener and its store"
    )
    add_config_options(parser)
    parser.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    from pipeline.logs import configure_logging
    from pipeline.service import build_service, event_loop_factory

    config = config_from_args(args)
    configure_logging(config.log_level, config.secrets())
    service = build_service(config)
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        try:
            runner.run(service.run(on_ready=_announce))
        except OSError as exc:
            # Typically the port is taken or the address is not local: say so, no traceback.
            print(f"abuse-pipeline run: cannot start: {exc}", file=sys.stderr)
            return EXIT_START_FAILED
    return 0


def _announce(service: Service) -> None:
    from listeners.smtp_server import SmtpListener
    from pipeline.api.component import ApiComponent

    for component in service.components:
        if isinstance(component, SmtpListener | ApiComponent) and component.address is not None:
            host, port = component.address
            # Scripts and tests read this line to find an ephemeral port.
            print(f"abuse-pipeline: {component.name} listening on {host}:{port}", flush=True)
