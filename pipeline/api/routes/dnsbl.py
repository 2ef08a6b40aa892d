"""``GET /v1/dnsbl/{target}`` and ``POST /v1/dnsbl/batch``: the engine's answers as JSON.

Every target is validated with ``parse_target`` before the engine sees it; an invalid one is
refused with 422 and no DNS query is made (no query-name injection through the API).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.api.auth import Principal
from pipeline.api.body import BodyError, read_json
from pipeline.api.context import ApiContext
from pipeline.api.errors import error_response
from pipeline.api.guard import guarded, rate_limited
from pipeline.dnsbl.targets import MAX_INPUT, InvalidTarget, Target, parse_target

SCOPE = "dnsbl:read"
#: Room for the JSON around the targets in a batch body (quotes, commas, the key).
_BATCH_OVERHEAD = 1024
#: Longest target text echoed back in an error: enough to recognise it, not a reflector.
_ECHO = 256


@guarded(SCOPE)
async def lookup(request: Request, ctx: ApiContext, principal: Principal) -> Response:
    """One target against every configured zone."""
    text: str = request.path_params["target"]
    try:
        target = parse_target(text)
    except InvalidTarget as exc:
        return error_response(422, "invalid_target", str(exc), target=text[:_ECHO])
    result = await ctx.dnsbl.check(target)
    return JSONResponse(result.to_json())


@guarded(SCOPE)
async def batch(request: Request, ctx: ApiContext, principal: Principal) -> Response:
    """Up to ``api.max_batch`` targets in one request; all valid, or none is looked up."""
    limit = ctx.max_batch * (MAX_INPUT + 8) + _BATCH_OVERHEAD
    try:
        body = await read_json(request, limit)
    except BodyError as exc:
        return error_response(exc.status, exc.error, exc.detail)
    texts = body.get("targets") if isinstance(body, dict) else None
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        return error_response(
            422, "invalid_batch", 'expected {"targets": [<ip-or-domain>, ...]} (non-empty)'
        )
    if len(texts) > ctx.max_batch:
        return error_response(
            413,
            "batch_too_large",
            f"{len(texts)} targets; at most {ctx.max_batch} per request",
            max_batch=ctx.max_batch,
        )
    targets, invalid = _parse_all(texts)
    if invalid:
        return error_response(
            422, "invalid_target", f"{len(invalid)} invalid target(s)", invalid=invalid
        )
    # The request itself paid for one look-up at the gate; each further target costs one more.
    refused = rate_limited(ctx, principal, cost=len(targets) - 1) if len(targets) > 1 else None
    if refused is not None:
        return refused
    results = await ctx.dnsbl.check_many(targets)
    return JSONResponse({"results": [r.to_json() for r in results]})


def _parse_all(texts: list[str]) -> tuple[list[Target], list[dict[str, Any]]]:
    targets: list[Target] = []
    invalid: list[dict[str, Any]] = []
    for index, text in enumerate(texts):
        try:
            targets.append(parse_target(text))
        except InvalidTarget as exc:
            invalid.append({"index": index, "target": text[:_ECHO], "detail": str(exc)})
    return targets, invalid
