"""The gate in front of every protected handler: bearer token, scope, then the rate limit.

Checked in that order so an unknown caller learns nothing about limits, and a refused request
never reaches a handler (so never causes a DNS query or a database read).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from pipeline.api.auth import AuthError, Principal
from pipeline.api.context import ApiContext
from pipeline.api.errors import error_response

log = logging.getLogger(__name__)

Handler = Callable[[Request, ApiContext, Principal], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


def rate_limited(ctx: ApiContext, principal: Principal, cost: int = 1) -> Response | None:
    """A 429 reply when ``principal`` has used up its allowance, else ``None``."""
    wait = ctx.limiter.check(principal.name, principal.rate_limit, cost)
    if not wait:
        return None
    ctx.metrics.rate_limited.labels(principal.name).inc()
    log.warning(
        "api rate limit hit", extra={"fields": {"token": principal.name, "retry_after": wait}}
    )
    return error_response(
        429,
        "rate_limited",
        f"rate limit of {principal.rate_limit} requests per minute exceeded",
        headers={"Retry-After": str(wait)},
    )


def guarded(scope: str | None) -> Callable[[Handler], Endpoint]:
    """Wrap ``handler`` so it runs only for a valid token (holding ``scope``, if given)."""

    def wrap(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            ctx = context(request)
            try:
                principal = ctx.authority.authenticate(request.headers.get("authorization"))
                if scope is not None:
                    ctx.authority.require(principal, scope)
            except AuthError as exc:
                reason = exc.error or "missing_token"
                ctx.metrics.auth_failures.labels(reason).inc()
                log.info(
                    "api request refused",
                    extra={"fields": {"status": exc.status, "reason": reason, "scope": scope}},
                )
                return error_response(
                    exc.status,
                    "forbidden" if exc.status == 403 else "unauthorized",
                    exc.description,
                    headers={"WWW-Authenticate": exc.challenge()},
                )
            request.state.principal = principal.name
            refused = rate_limited(ctx, principal)
            if refused is not None:
                return refused
            return await handler(request, ctx, principal)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap
