"""A real abuse mailbox listener on 127.0.0.1 for tests: the service in a background thread.

Tests stay synchronous and talk to it with ``smtplib`` or a raw socket, exactly as a sending
MTA would; ``MailboxServer.store`` reads what the listener committed through its own engine.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy.engine import Engine

from listeners.smtp_server import SmtpListener
from pipeline.config import Config
from pipeline.service import Service, build_service
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import SqlIntakeStore

#: Seconds a test waits for the listener to come up or go down.
STARTUP_TIMEOUT = 10.0


def mailbox_config(data_dir: Path, **smtp: Any) -> Config:
    """Embedded defaults on an ephemeral port, ``smtp`` keys overridden, API and worker off."""
    return Config.model_validate(
        {
            "data_dir": data_dir,
            "smtp": {"port": 0, **smtp},
            "api": {"enabled": False},
            "worker": {"enabled": False},
        }
    )


class MailboxServer:
    """Runs ``build_service(config)`` on its own event loop thread until ``close``."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._service: Service = build_service(config)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mailbox", daemon=True)
        self.port = 0
        self._engine = create_store_engine(config)
        self.store = SqlIntakeStore(self._engine)

    @property
    def store_engine(self) -> Engine:
        """The test's own engine on the listener's database, for reading other tables."""
        return self._engine

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(
                self._service.run(on_ready=self._on_ready, handle_signals=False)
            )
        except BaseException as exc:
            self._error = exc
            self._ready.set()
        finally:
            self._loop.close()

    def _on_ready(self, service: Service) -> None:
        for component in service.components:
            if isinstance(component, SmtpListener) and component.address is not None:
                self.port = component.address[1]
        self._ready.set()

    def __enter__(self) -> MailboxServer:
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT) or self._error is not None:
            raise RuntimeError(f"mailbox listener did not start: {self._error!r}")
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._service.request_stop)
            self._thread.join(STARTUP_TIMEOUT)
        self._engine.dispose()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class RawSession:
    """A byte-level SMTP/LMTP client, for what ``smtplib`` would tidy up (bare LF, long lines)."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._file = self._sock.makefile("rb")
        self.greeting = self.reply()

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def command(self, line: str) -> str:
        """Send one command line and return the (last line of the) reply."""
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def reply(self) -> str:
        """Read one reply, multi-line replies joined; '' when the server closed."""
        lines: list[str] = []
        while True:
            raw = self._file.readline()
            if not raw:
                return "\n".join(lines)
            line = raw.decode().rstrip("\r\n")
            lines.append(line)
            if line[3:4] != "-":
                return "\n".join(lines)

    def close(self) -> None:
        self._file.close()
        self._sock.close()

    def __enter__(self) -> RawSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
