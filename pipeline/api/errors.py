"""Error replies: one JSON shape, ``{"error": <code>, "detail": <text>}``, for every refusal.

Details never carry an exception's text from inside the service (it could hold a query name
with a DQS key, or a database URL); they say what was wrong with the *request*.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse


def error_response(
    status: int,
    error: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail, **extra}, status, headers=headers)
