"""`abuse-pipeline run`: the service (abuse mailbox listener and what later issues add)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipeline.cli.common import add_config_options, config_from_args

if TYPE_CHECKING:
    from pipeline.service import Service


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run", help="run the service: the abuse mailbox listener and its store"
    )
    add_config_options(parser)
    parser.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    from pipeline.logs import configure_logging
    from pipeline.service import build_service

    config = config_from_args(args)
    configure_logging(config.log_level, config.secrets())
    service = build_service(config)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(service.run(on_ready=_announce))
    return 0


def _announce(service: Service) -> None:
    from listeners.smtp_server import SmtpListener

    for component in service.components:
        if isinstance(component, SmtpListener) and component.address is not None:
            host, port = component.address
            # Scripts and tests read this line to find an ephemeral port.
            print(f"abuse-pipeline: {component.name} listening on {host}:{port}", flush=True)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory
