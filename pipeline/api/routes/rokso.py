"""``GET /v1/rokso/{query}``: does an IP, netblock, domain or operation name match the register?"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.api.auth import Principal
from pipeline.api.context import ApiContext
from pipeline.api.errors import error_response
from pipeline.api.guard import guarded

SCOPE = "rokso:read"
#: Longer than any domain (253) or operation name the register accepts (200).
MAX_QUERY = 256


@guarded(SCOPE)
async def lookup(request: Request, ctx: ApiContext, principal: Principal) -> Response:
    """Matches of the version in force, each naming its record id and what matched."""
    query: str = request.path_params["query"].strip()
    if not query or len(query) > MAX_QUERY or not query.isprintable():
        return error_response(
            422,
            "invalid_query",
            f"expected an IP, netblock, domain or name of 1 to {MAX_QUERY} printable characters",
        )
    if ctx.register is None:
        return error_response(503, "register_unavailable", "the ROKSO register is not open")
    # The index is cached per version, but checking the version in force reads the database.
    version, index = await run_in_threadpool(ctx.register.index)
    matches = index.match_target(query)
    return JSONResponse(
        {
            "query": query,
            "register_version": None if version is None else version.version,
            "listed": bool(matches),
            "matches": [m.to_json() for m in matches],
        }
    )
