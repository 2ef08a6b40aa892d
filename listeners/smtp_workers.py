"""Extra listener processes sharing the SMTP port with SO_REUSEPORT (``smtp.processes``).

aiosmtpd sessions are CPU-bound Python on one event loop; with ``processes = N`` the kernel
spreads new connections over N sockets bound to the same port, each served by its own process
with its own intake writer. SQLite serialises their commits (busy_timeout); each process still
answers 250 only after its own commit returned.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pipeline.config import Config

log = logging.getLogger(__name__)

#: Seconds a worker may take to bind its socket, and beyond the grace to exit, before it is killed.
WORKER_TIMEOUT = 20.0


#: Linux prctl option: signal to receive when the parent process dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux for SIGTERM when the parent dies, so a kill -9 leaves no orphan on the port."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _worker_main(config: Config, ready: Connection) -> None:
    from pipeline.logs import configure_logging
    from pipeline.service import Service, event_loop_factory

    _die_with_parent()
    configure_logging(config.log_level, config.secrets())

    async def serve() -> None:
        from listeners.smtp_server import SmtpListener
        from pipeline.service import IntakeStoreComponent

        store = IntakeStoreComponent(config)
        service = Service([store, SmtpListener(config.smtp, lambda: store.writer, reuse_port=True)])
        await service.run(on_ready=lambda _: ready.send(True))

    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(serve())
    except Exception as exc:
        ready.send(f"{type(exc).__name__}: {exc}")
        raise


class SmtpWorkerPool:
    """Component starting ``count`` listener processes on an already bound port."""

    name = "smtp-workers"

    def __init__(self, config: Config, count: int, port: Callable[[], int]) -> None:
        self._config = config
        self._count = count
        self._port = port
        self._workers: list[BaseProcess] = []

    async def start(self) -> None:
        # The port is known only once the first listener bound it (port 0 = ephemeral).
        smtp = self._config.smtp.model_copy(update={"port": self._port()})
        config = self._config.model_copy(update={"smtp": smtp})
        # spawn, not fork: the parent already runs an event loop and a writer thread.
        context = multiprocessing.get_context("spawn")
        for _ in range(self._count):
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(
                target=_worker_main, args=(config, send), name="smtp-worker", daemon=True
            )
            worker.start()
            self._workers.append(worker)
            ready = await asyncio.to_thread(receive.poll, WORKER_TIMEOUT)
            answer = receive.recv() if ready else "no answer"
            if answer is not True:
                # The service only stops components that started: clean up our own workers.
                await self.stop()
                raise RuntimeError(f"smtp worker {worker.pid} did not start: {answer}")
        log.info(
            "smtp workers started",
            extra={
                "fields": {"event": "smtp_workers_started", "pids": [w.pid for w in self._workers]}
            },
        )

    async def stop(self) -> None:
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: the worker drains its sessions like the parent
        deadline = self._config.smtp.shutdown_grace + WORKER_TIMEOUT
        for worker in self._workers:
            await asyncio.to_thread(worker.join, deadline)
            if worker.is_alive():
                log.error(
                    "smtp worker did not stop; killing it", extra={"fields": {"pid": worker.pid}}
                )
                worker.kill()
        self._workers.clear()
