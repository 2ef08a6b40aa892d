"""Operations: ``/healthz`` (no token), ``/metrics`` and ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.api.auth import Principal
from pipeline.api.context import ApiContext
from pipeline.api.guard import context, guarded
from pipeline.api.metrics import CONTENT_TYPE
from pipeline.api.openapi import openapi_document


async def healthz(request: Request) -> Response:
    """Zones' health; 200 while any zone can answer, 503 when none can."""
    zones = context(request).dnsbl.health()
    status, code = health_status(zones)
    return JSONResponse({"status": status, "zones": zones}, code)


def health_status(zones: dict[str, Any]) -> tuple[str, int]:
    """``ok`` (all zones usable), ``degraded`` (some down or refusing us) or ``down`` (503)."""
    usable = [
        z.get("up") is not False and not z.get("breaker", {}).get("open", False)
        for z in zones.values()
        if isinstance(z, dict)
    ]
    if usable and not any(usable):
        return "down", 503
    return ("ok" if all(usable) else "degraded"), 200


@guarded("metrics:read")
async def metrics(request: Request, ctx: ApiContext, principal: Principal) -> Response:
    """Prometheus text exposition of the API's and the engine's counters."""
    return Response(ctx.metrics.render(), media_type=CONTENT_TYPE)


@guarded(None)
async def openapi(request: Request, ctx: ApiContext, principal: Principal) -> Response:
    """The OpenAPI document (the committed ``schemas/openapi.json``)."""
    return JSONResponse(openapi_document())
