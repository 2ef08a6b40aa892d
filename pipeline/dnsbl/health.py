"""Per-zone health: the probe verdict (127.0.0.2 must list, 127.0.0.1 must not) and the breaker.

A zone that answers 127.255.255.x refuses *us* (public resolver, rate limit, bad DQS key):
every further query would get the same answer, and keep the flood going. The breaker opens on
the first such answer, logs one ERROR for operators and raises the ``alert`` flag that
``/healthz`` shows; until ``cooldown`` has passed the zone is not asked (results carry the
refusal's error kind), then one trial query is let through and a good answer closes it.

Until its first probe has completed a zone is ``unprobed``: neither up nor down, and asked as
usual (a timeout is still ``unknown``). A zone with no probe (probing off, or no test point
for its kind) stays ``unprobed`` and says so, so that nobody reads "not up" as "down".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from pipeline.clock import Clock
from pipeline.dnsbl.results import ErrorKind

log = logging.getLogger(__name__)

HealthState = Literal["up", "down", "unprobed"]


class ZoneHealth:
    """Mutable health of one zone, owned by the engine (single event loop, no locking)."""

    def __init__(
        self,
        zone: str,
        *,
        cooldown: float,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        probe_scheduled: bool = True,
    ) -> None:
        self.zone = zone
        #: Whether a probe will ever run for this zone (probing on and the zone has test points).
        self.probe_scheduled = probe_scheduled
        self._cooldown = cooldown
        self._clock = clock
        self._monotonic = monotonic
        #: ``None`` until probed (or when probing is off).
        self.up: bool | None = None
        self.last_probe: datetime | None = None
        self.probe_error: str | None = None
        self.breaker_reason: ErrorKind | None = None
        self.breaker_since: datetime | None = None
        self._breaker_opened = 0.0
        self.trips = 0

    @property
    def state(self) -> HealthState:
        """``up``/``down`` from the last probe; ``unprobed`` before the first one (or with none)."""
        if self.up is None:
            return "unprobed"
        return "up" if self.up else "down"

    @property
    def breaker_kind(self) -> ErrorKind | None:
        """The refusal that opened the breaker, ``None`` while it is closed."""
        return self.breaker_reason

    @property
    def breaker_open(self) -> bool:
        return self.breaker_reason is not None

    def allows_query(self) -> bool:
        """Closed breaker, or open long enough that one trial query may test the zone again.

        Only one query per cooldown is let through (half-open); its good answer closes the
        breaker, another refusal keeps it open for a further cooldown.
        """
        if self.breaker_reason is None:
            return True
        now = self._monotonic()
        if now - self._breaker_opened >= self._cooldown:
            self._breaker_opened = now
            return True
        return False

    def trip(self, reason: ErrorKind) -> None:
        """The zone refused us with ``reason``: stop asking it, and tell an operator once."""
        if self.breaker_reason is None:
            self.trips += 1
            self.breaker_since = self._clock.now()
            log.error(
                "dnsbl zone refuses our queries; breaker open, zone not asked",
                extra={
                    "fields": {
                        "zone": self.zone,
                        "reason": reason,
                        "cooldown_s": self._cooldown,
                        "alert": "dnsbl_breaker_open",
                    }
                },
            )
        self.breaker_reason = reason
        self._breaker_opened = self._monotonic()

    def answered(self) -> None:
        """A usable answer came back: close the breaker if it was open."""
        if self.breaker_reason is not None:
            log.warning(
                "dnsbl zone answers again; breaker closed",
                extra={"fields": {"zone": self.zone, "was": self.breaker_reason}},
            )
            self.breaker_reason = None
            self.breaker_since = None

    def probed(self, error: str | None) -> None:
        """Record a probe outcome; ``error`` says which half failed, ``None`` when healthy."""
        was_up = self.up
        self.up = error is None
        self.probe_error = error
        self.last_probe = self._clock.now()
        if error is not None and was_up is not False:
            log.error(
                "dnsbl zone failed its health probe; marked down",
                extra={"fields": {"zone": self.zone, "probe_error": error, "alert": "dnsbl_down"}},
            )
        elif error is None and was_up is False:
            log.warning("dnsbl zone passed its health probe", extra={"fields": {"zone": self.zone}})

    def to_json(self) -> dict[str, Any]:
        return {
            "up": self.up,
            "state": self.state,
            "probe_scheduled": self.probe_scheduled,
            "last_probe": None if self.last_probe is None else self.last_probe.isoformat(),
            "probe_error": self.probe_error,
            "breaker": {
                "open": self.breaker_open,
                "reason": self.breaker_reason,
                "since": None if self.breaker_since is None else self.breaker_since.isoformat(),
                "trips": self.trips,
            },
            "alert": self.breaker_open or self.up is False,
        }
