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
from concurrent.futures import Future

from pipeline.models import Channel, Envelope, IntakeRecord
from pipeline.store.intake import Delivery, IntakeStore

log = logging.getLogger(__name__)

_Job = tuple[Delivery, "Future[tuple[IntakeRecord, bool]]"]


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

    async def submit(
        self, raw: bytes, channel: Channel, envelope: Envelope
    ) -> tuple[IntakeRecord, bool]:
        """Store ``raw`` durably; returns once its transaction has committed (or raises)."""
        return await asyncio.wrap_future(self.submit_nowait(raw, channel, envelope))

    def submit_nowait(
        self, raw: bytes, channel: Channel, envelope: Envelope
    ) -> Future[tuple[IntakeRecord, bool]]:
        """Queue ``raw`` for the next group commit; the future resolves after that commit."""
        if self._closed:
            raise WriterClosed("intake writer is closed")
        future: Future[tuple[IntakeRecord, bool]] = Future()
        self._queue.put((Delivery(raw, channel, envelope), future))
        return future

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
        try:
            results = self._store.add_many([delivery for delivery, _ in batch])
        except Exception as exc:
            # Every message of the failed transaction is unstored: each session answers 451
            # and its sender retries; nothing was acknowledged.
            log.error(
                "intake commit failed",
                extra={"fields": {"event": "intake_commit_failed", "batch": len(batch),
                                  "error": f"{type(exc).__name__}: {exc}"}},
            )
            for _, future in batch:
                if future.set_running_or_notify_cancel():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.set_running_or_notify_cancel():
                future.set_result(result)
