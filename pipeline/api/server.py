"""The API as a service component: uvicorn serving the app on ``api.host:api.port``.

The socket is bound here, before uvicorn starts, so a port in use fails ``start()`` with a
clear error and an ephemeral port (``port = 0``) is known at once. Signals belong to the
service, not to uvicorn: its own handlers are switched off and ``stop()`` asks it to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

#: Seconds in-flight requests get to finish on stop before connections are cut.
GRACE_SECONDS = 5
#: How long ``start()`` waits for uvicorn to report it is serving.
STARTUP_SECONDS = 10.0


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The service installs SIGTERM/SIGINT handlers and calls stop(); uvicorn must not.
        yield


class ApiServer:
    """A ``Component`` (``name``, async ``start``/``stop``) serving ``app``."""

    name = "api"

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when configured as 0)."""
        if self._socket is None:
            raise RuntimeError("API server not started")
        port: int = self._socket.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self._socket = _bind(self._host, self._port)
        config = uvicorn.Config(
            self._app,
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]), name="api")
        deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
        while not self._server.started:
            if self._task.done() or asyncio.get_running_loop().time() > deadline:
                await self.stop()
                raise RuntimeError("API server did not start")
            await asyncio.sleep(0.01)
        log.info("api listening", extra={"fields": {"url": self.url}})

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            try:
                await asyncio.wait_for(asyncio.shield(self._task), GRACE_SECONDS + 1)
            except TimeoutError:
                self._server.force_exit = True
                await self._task
            except (Exception, SystemExit):
                log.exception("api server ended with an error")
        if self._socket is not None:
            self._socket.close()
        self._server = self._task = None


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock
