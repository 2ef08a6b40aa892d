"""What every handler needs, built once per app: the engine, the register, auth, limits, metrics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.api.auth import TokenAuthority
from pipeline.api.metrics import ApiMetrics
from pipeline.api.ratelimit import RateLimiter
from pipeline.dnsbl.counters import ZoneCounters
from pipeline.dnsbl.results import TargetResult
from pipeline.dnsbl.targets import Target
from pipeline.rokso.register import RoksoRegister


class DnsblLookup(Protocol):
    """The part of ``DnsblEngine`` the API uses."""

    async def check(self, target: Target) -> TargetResult: ...

    async def check_many(self, targets: Iterable[Target]) -> list[TargetResult]: ...

    def health(self) -> dict[str, Any]: ...

    def counters(self) -> dict[str, ZoneCounters]: ...


@dataclass(frozen=True, slots=True)
class ApiContext:
    dnsbl: DnsblLookup
    register: RoksoRegister | None
    authority: TokenAuthority
    limiter: RateLimiter
    metrics: ApiMetrics
    max_batch: int
