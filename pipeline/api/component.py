"""The DNSBL engine and the HTTP API as components of ``abuse-pipeline run``.

The engine is its own component so the pipeline's enrichment stage and the API share one
engine (one cache, one set of sockets, one health state). The API component opens the ROKSO
register in the service database and serves until the service stops.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine

from pipeline.api.app import create_app
from pipeline.api.server import ApiServer
from pipeline.config import Config, DnsblConfig
from pipeline.dnsbl.engine import DnsblEngine
from pipeline.rokso.register import RoksoRegister
from pipeline.store.engine import create_store_engine

log = logging.getLogger(__name__)

#: How stale the API's view of the ROKSO register may be after an import, in seconds.
ROKSO_REFRESH_SECONDS = 5.0


class DnsblComponent:
    """Starts the shared engine (sockets, first health probe) and closes it last."""

    name = "dnsbl"

    def __init__(self, config: DnsblConfig) -> None:
        self.engine = DnsblEngine(config)

    async def start(self) -> None:
        await self.engine.start()

    async def stop(self) -> None:
        await self.engine.close()


class ApiComponent:
    """The API on ``api.host:api.port`` over the shared engine and the ROKSO register."""

    name = "api"

    def __init__(self, config: Config, dnsbl: DnsblComponent) -> None:
        self._config = config
        self._dnsbl = dnsbl
        self._store: Engine | None = None
        self._server: ApiServer | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        """Where the API listens once started (the real port when configured as 0)."""
        if self._server is None:
            return None
        return self._config.api.host, self._server.port

    async def start(self) -> None:
        # Opening and migrating the database blocks: keep it off the event loop.
        self._store = await asyncio.to_thread(create_store_engine, self._config)
        register = RoksoRegister(self._store, refresh_seconds=ROKSO_REFRESH_SECONDS)
        await asyncio.to_thread(register.migrate)
        app = create_app(
            self._config.api, self._dnsbl.engine, register, secrets=self._config.secrets()
        )
        self._server = ApiServer(app, self._config.api.host, self._config.api.port)
        await self._server.start()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._store is not None:
            self._store.dispose()
            self._store = None
