"""Reading a JSON request body with a hard size bound, before any of it is parsed."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request


class BodyError(Exception):
    """The body is too large (413) or not JSON (422)."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


async def read_json(request: Request, limit: int) -> Any:
    """The parsed body; stops reading (413) as soon as more than ``limit`` bytes arrive."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, "body_too_large", f"request body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, "body_too_large", f"request body larger than {limit} bytes")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(422, "invalid_json", f"request body is not JSON: {exc}") from None
