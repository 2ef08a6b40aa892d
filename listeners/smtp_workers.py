"""Extra listener processes sharing the SMTP port with SO_REUSEPORT (``smtp.processes``).

aiosmtpd sessions are CPU-bound Python on one event loop; with ``processes = N`` the kernel
spreads new connections over N sockets bound to the same port, each served by its own process
with its own intake writer. SQLite serialises their commits (busy_timeout); each process still
answers 250 only after its own commit returned.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from pipeline.config import Config

log = logging.getLogger(__name__)

#: Seconds a worker may take to bind its socket, and beyond the grace to exit, before it is killed.
WORKER_TIMEOUT = 20.0


def _worker_main(config: Config, ready: Connection) -> None:
    from pipeline.logs import configure_logging
    from pipeline.service import Service

    configure_logging(config.log_level, config.secrets())

    async def serve() -> None:
        from listeners.smtp_server import SmtpListener
        from pipeline.service import IntakeStoreComponent

        store = IntakeStoreComponent(config)
        service = Service([store, SmtpListener(config.smtp, lambda: store.writer, reuse_port=True)])
        await service.run(on_ready=lambda _: ready.send(True))

    try:
        asyncio.run(serve())
    except Exception as exc:
        ready.send(f"{type(exc).__name__}: {exc}")
        raise


class SmtpWorkerPool:
    """Component starting ``count`` listener processes on an already bound port."""

    name = "smtp-workers"

    def __init__(self, config: Config, count: int, port: int) -> None:
        smtp = config.smtp.model_copy(update={"port": port})
        self._config = config.model_copy(update={"smtp": smtp})
        self._count = count
        self._workers: list[BaseProcess] = []

    async def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        for _ in range(self._count):
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(
                target=_worker_main, args=(self._config, send), name="smtp-worker", daemon=True
            )
            worker.start()
            self._workers.append(worker)
            ready = await asyncio.to_thread(receive.poll, WORKER_TIMEOUT)
            answer = receive.recv() if ready else "no answer"
            if answer is not True:
                raise RuntimeError(f"smtp worker {worker.pid} did not start: {answer}")
        log.info("smtp workers started", extra={"fields": {
            "event": "smtp_workers_started", "pids": [w.pid for w in self._workers]}})

    async def stop(self) -> None:
        for worker in self._workers:
            if worker.pid is not None and worker.is_alive():
                signal.pthread_kill if False else None
                import os

                os.kill(worker.pid, signal.SIGTERM)
        deadline = self._config.smtp.shutdown_grace + WORKER_TIMEOUT
        for worker in self._workers:
            await asyncio.to_thread(worker.join, deadline)
            if worker.is_alive():
                log.error("smtp worker did not stop; killing it",
                          extra={"fields": {"pid": worker.pid}})
                worker.kill()
        self._workers.clear()
