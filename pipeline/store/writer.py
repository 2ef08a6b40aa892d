"""The intake writer: one thread owns the database writes, sessions await their own commit.

SQLite calls block, so they must never run on the event loop. Sessions put their message on a
queue and await a future; the writer thread takes everything queued (up to ``max_batch``),
commits it in ONE transaction and only then resolves each future. With ``synchronous=FULL``
the commit has been fsync'd when it returns, so a session answers ``250`` only for a message
that is on disk, and a burst of sessions costs one fsync instead of one each (group commit).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import cast

from pipeline.models import Channel, Envelope, IntakeRecord
from pipeline.store.intake import Delivery, IntakeStore

log = logging.getLogger(__name__)

Stored = tuple[IntakeRecord, bool]
_Outcome = tuple["asyncio.Future[Stored]", Stored | None, BaseException | None]


@dataclass(frozen=True, slots=True)
class _Job:
    delivery: Delivery
    #: An asyncio future on ``loop`` (sessions) or a concurrent future (``loop`` is None).
    future: asyncio.Future[Stored] | Future[Stored]
    loop: asyncio.AbstractEventLoop | None


class WriterClosed(RuntimeError):
    """The writer is shutting down and takes no more messages."""


class IntakeWriter:
    """Group-committing writer thread in front of an ``IntakeStore``."""

    def __init__(self, store: IntakeStore, max_batch: int = 256) -> None:
        self._store = store
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="intake-writer", daemon=True)
        self._thread.start()

    async def submit(self, raw: bytes, channel: Channel, envelope: Envelope) -> Stored:
        """Store ``raw`` durably; returns once its transaction has committed (or raises)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Stored] = loop.create_future()
        self._put(_Job(Delivery(raw, channel, envelope), future, loop))
        return await future

    def submit_nowait(self, raw: bytes, channel: Channel, envelope: Envelope) -> Future[Stored]:
        """Queue ``raw`` from any thread; the future resolves after its commit."""
        future: Future[Stored] = Future()
        self._put(_Job(Delivery(raw, channel, envelope), future, None))
        return future

    def _put(self, job: _Job) -> None:
        if self._closed:
            raise WriterClosed("intake writer is closed")
        self._queue.put(job)

    def close(self, timeout: float | None = None) -> None:
        """Commit everything already queued, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        results: list[Stored] | None = None
        error: BaseException | None = None
        try:
            results = self._store.add_many([job.delivery for job in batch])
        except Exception as exc:
            # Every message of the failed transaction is unstored: each session answers 451
            # and its sender retries; nothing was acknowledged.
            error = exc
            log.error(
                "intake commit failed",
                extra={
                    "fields": {
                        "event": "intake_commit_failed",
                        "batch": len(batch),
                        "error": f"{type(exc).__name__}: {exc}",
                    }
                },
            )
        by_loop: defaultdict[asyncio.AbstractEventLoop, list[_Outcome]] = defaultdict(list)
        for n, job in enumerate(batch):
            result = results[n] if results is not None else None
            if job.loop is not None:
                by_loop[job.loop].append(
                    (cast("asyncio.Future[Stored]", job.future), result, error)
                )
                continue
            future = cast("Future[Stored]", job.future)
            if future.set_running_or_notify_cancel():
                if result is not None:
                    future.set_result(result)
                else:
                    future.set_exception(error or RuntimeError("intake commit failed"))
        for loop, outcomes in by_loop.items():
            # One wake-up of the event loop per batch, not one per message.
            try:
                loop.call_soon_threadsafe(_settle, outcomes)
            except RuntimeError:  # the loop closed meanwhile: nobody is waiting any more
                continue


def _settle(outcomes: list[_Outcome]) -> None:
    for future, result, error in outcomes:
        if future.done():  # the session went away while its message was being committed
            continue
        if result is not None:
            future.set_result(result)
        else:
            future.set_exception(error or RuntimeError("intake commit failed"))
