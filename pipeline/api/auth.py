"""Bearer tokens (RFC 6750) with scopes, checked in constant time against every configured token.

The presented token is hashed and compared with every configured token's hash, always all of
them, with ``hmac.compare_digest``: neither the time taken nor an early exit tells a caller how
much of a token was right, or which token it nearly was.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.config import ApiTokenConfig

#: RFC 6750 §2.1: ``Authorization: Bearer <b64token>``; the scheme name is case-insensitive.
BEARER_SCHEME = "bearer"
REALM = "abuse-pipeline"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's configured name (never the token) and what it may do."""

    name: str
    scopes: frozenset[str]
    #: Requests per minute.
    rate_limit: int

    def allows(self, scope: str) -> bool:
        family = scope.split(":", 1)[0]
        return scope in self.scopes or f"{family}:*" in self.scopes


class AuthError(Exception):
    """Authentication failed (401) or the token lacks a scope (403); ``error`` is RFC 6750's."""

    def __init__(
        self, status: int, error: str | None, description: str, scope: str | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.scope = scope

    def challenge(self) -> str:
        """The ``WWW-Authenticate`` value (RFC 6750 §3)."""
        parts = [f'Bearer realm="{REALM}"']
        if self.error:
            parts.append(f'error="{self.error}"')
        if self.scope:
            parts.append(f'scope="{self.scope}"')
        return ", ".join(parts)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


class TokenAuthority:
    """Turns an ``Authorization`` header into a ``Principal`` or an ``AuthError``."""

    def __init__(self, tokens: Iterable[ApiTokenConfig]) -> None:
        self._entries: list[tuple[bytes, Principal]] = []
        for entry in tokens:
            if entry.token is None:
                continue
            principal = Principal(entry.name, frozenset(entry.scopes), entry.rate_limit)
            self._entries.append((_digest(entry.token.get_secret_value()), principal))

    @property
    def configured(self) -> bool:
        return bool(self._entries)

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            # RFC 6750 §3.1: no credentials at all gets a bare challenge, no error code.
            raise AuthError(401, None, "bearer token required")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != BEARER_SCHEME or not token:
            raise AuthError(401, "invalid_request", "expected 'Authorization: Bearer <token>'")
        presented = _digest(token)
        found: Principal | None = None
        for digest, principal in self._entries:
            # No early exit: every configured token is compared on every request.
            if hmac.compare_digest(presented, digest):
                found = principal
        if found is None:
            raise AuthError(401, "invalid_token", "unknown or revoked token")
        return found

    @staticmethod
    def require(principal: Principal, scope: str) -> None:
        if not principal.allows(scope):
            raise AuthError(403, "insufficient_scope", f"token lacks scope {scope}", scope)
