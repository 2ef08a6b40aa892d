"""``abuse-pipeline run``: the service as an ordered list of components with async start/stop.

Components start in list order and stop in reverse, so the intake store (first) outlives the
listeners that write into it, and a listener draining its sessions can still commit their
reports. The HTTP API, workers and timers slot in as further components in ``build_service``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy.engine import Engine

from pipeline.config import Config
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import SqlIntakeStore
from pipeline.store.writer import IntakeWriter

log = logging.getLogger(__name__)


class Component(Protocol):
    """A long-running part of the service."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class IntakeStoreComponent:
    """Opens the database and the intake writer thread; commits what is queued on stop."""

    name = "store"

    def __init__(self, config: Config) -> None:
        self._config = config
        self._engine: Engine | None = None
        self._writer: IntakeWriter | None = None

    @property
    def writer(self) -> IntakeWriter:
        if self._writer is None:
            raise RuntimeError("intake store not started")
        return self._writer

    @property
    def engine(self) -> Engine:
        """The database engine, for components started after this one (workers, timers)."""
        if self._engine is None:
            raise RuntimeError("intake store not started")
        return self._engine

    async def start(self) -> None:
        # Opening and migrating the database blocks: keep it off the event loop.
        self._engine = await asyncio.to_thread(create_store_engine, self._config)
        store = await asyncio.to_thread(SqlIntakeStore, self._engine)
        self._writer = IntakeWriter(store, max_batch=self._config.store.max_batch)

    async def stop(self) -> None:
        if self._writer is not None:
            await asyncio.to_thread(self._writer.close)
        if self._engine is not None:
            self._engine.dispose()


class Service:
    """Starts components in order, runs until told to stop, stops them in reverse order."""

    def __init__(self, components: Sequence[Component]) -> None:
        self.components = list(components)
        self._started: list[Component] = []
        self._stop = asyncio.Event()

    async def start(self) -> None:
        for component in self.components:
            try:
                await component.start()
            except BaseException:
                await self.stop()
                raise
            self._started.append(component)
            log.info(
                "started",
                extra={"fields": {"event": "component_started", "component": component.name}},
            )

    async def stop(self) -> None:
        while self._started:
            component = self._started.pop()
            try:
                await component.stop()
            except Exception:
                log.exception(
                    "component failed to stop cleanly",
                    extra={"fields": {"component": component.name}},
                )

    def request_stop(self) -> None:
        self._stop.set()

    async def run(
        self, on_ready: Callable[[Service], None] | None = None, *, handle_signals: bool = True
    ) -> None:
        """Serve until SIGTERM/SIGINT (or ``request_stop``), then shut down gracefully."""
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT) if handle_signals else ()
        for signum in signals:
            loop.add_signal_handler(signum, self.request_stop)
        try:
            await self.start()
            if on_ready is not None:
                on_ready(self)
            await self._stop.wait()
            log.info("stopping", extra={"fields": {"event": "service_stopping"}})
        finally:
            await self.stop()
            for signum in signals:
                loop.remove_signal_handler(signum)
        log.info("stopped", extra={"fields": {"event": "service_stopped"}})


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop where installed (a faster loop for the listener), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def build_service(config: Config) -> Service:
    """The components ``abuse-pipeline run`` starts for ``config``."""
    from listeners.smtp_server import SmtpListener

    store = IntakeStoreComponent(config)
    components: list[Component] = [store]
    if config.smtp.enabled:
        workers = config.smtp.processes - 1
        listener = SmtpListener(config.smtp, lambda: store.writer, reuse_port=workers > 0)
        components.append(listener)
        if workers:
            from listeners.smtp_workers import SmtpWorkerPool

            components.append(SmtpWorkerPool(config, workers, lambda: listener.port))
    if config.worker.enabled:
        from pipeline.runner import IntakeRunnerComponent

        components.append(IntakeRunnerComponent(config, lambda: store.engine))
    if config.api.enabled:
        from pipeline.api.component import ApiComponent, DnsblComponent

        dnsbl = DnsblComponent(config.dnsbl)
        components += [dnsbl, ApiComponent(config, dnsbl)]
    return Service(components)
