"""The Starlette application: routes, JSON errors, per-request metrics and an access log line.

``create_app`` takes its collaborators (the DNSBL engine, the ROKSO register) instead of
building them, so ``abuse-pipeline run`` shares one engine between the pipeline and the API
and tests hand in the engine they point at rbldnsd.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.api.auth import TokenAuthority
from pipeline.api.context import ApiContext, DnsblLookup
from pipeline.api.errors import error_response
from pipeline.api.metrics import ApiMetrics, DnsblCollector
from pipeline.api.ratelimit import RateLimiter
from pipeline.api.routes import dnsbl, ops, rokso
from pipeline.config import ApiConfig
from pipeline.rokso.register import RoksoRegister

log = logging.getLogger("pipeline.api.access")


def create_app(
    config: ApiConfig,
    dnsbl_engine: DnsblLookup,
    register: RoksoRegister | None = None,
    *,
    secrets: Iterable[str] = (),
    limiter: RateLimiter | None = None,
) -> Starlette:
    """The API for ``config``; ``secrets`` are scrubbed from ``/metrics`` as a last defence."""
    metrics = ApiMetrics(secrets)
    metrics.add_dnsbl(DnsblCollector(dnsbl_engine.counters, dnsbl_engine.health))
    authority = TokenAuthority(config.tokens)
    if not authority.configured:
        log.warning(
            "api has no tokens configured: only /healthz is served, the rest answers 401",
            extra={"fields": {"alert": "api_no_tokens"}},
        )
    app = Starlette(
        routes=[
            Route("/v1/dnsbl/batch", dnsbl.batch, methods=["POST"]),
            # ``path`` so that any text (even with "/") reaches validation and gets its 422.
            Route("/v1/dnsbl/{target:path}", dnsbl.lookup, methods=["GET"]),
            Route("/v1/rokso/{query:path}", rokso.lookup, methods=["GET"]),
            Route("/healthz", ops.healthz, methods=["GET"]),
            Route("/metrics", ops.metrics, methods=["GET"]),
            Route("/openapi.json", ops.openapi, methods=["GET"]),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )
    app.state.ctx = ApiContext(
        dnsbl=dnsbl_engine,
        register=register,
        authority=authority,
        limiter=limiter or RateLimiter(),
        metrics=metrics,
        max_batch=config.max_batch,
    )
    app.add_middleware(RequestObserver, metrics=metrics)
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "error"
    return error_response(status, "not_found" if status == 404 else "http_error", str(detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    # The exception text stays in the (scrubbed) log; the caller gets no internals.
    log.error("api handler failed", exc_info=exc, extra={"fields": {"path": request.url.path}})
    return error_response(500, "internal_error", "the request could not be answered")


class RequestObserver:
    """Counts and times every request by route template and logs one line for it."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            state = scope.get("state") or {}
            log.info(
                "api request",
                extra={
                    "fields": {
                        "method": scope["method"],
                        "route": route,
                        "path": scope["path"],
                        "status": status,
                        "token": state.get("principal"),
                        "ms": round(elapsed * 1000, 2),
                    }
                },
            )
