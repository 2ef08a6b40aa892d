"""Single flight: a question already being asked is not asked again, its answer is shared.

A spam run names the same offender in hundreds of reports that arrive together; without this,
every one of them would miss the cache (the first answer is not back yet) and send the same
query. The first caller of a key (the leader) asks; callers that arrive while it waits get the
leader's outcome, answer or exception alike. Nothing is kept once the leader is done: keeping
definite answers is the cache's job, and a failure must be asked again by the next caller.

If the leader is cancelled (its HTTP client went away) the waiters are not: they are released
to ask again, and one of them becomes the new leader.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
P = ParamSpec("P")


class _Handoff:
    """What a waiter receives when the leader was cancelled: ask again yourself."""


_HANDOFF = _Handoff()


class SingleFlight(Generic[K, T]):
    """Merges concurrent calls for the same key into one; single event loop, no locking."""

    __slots__ = ("_flights", "shared")

    def __init__(self) -> None:
        #: Key in flight to the futures of the callers waiting for its leader.
        self._flights: dict[K, list[asyncio.Future[T | _Handoff]]] = {}
        #: Callers served by another caller's query instead of their own.
        self.shared = 0

    def __len__(self) -> int:
        """Keys in flight right now."""
        return len(self._flights)

    async def run(
        self, key: K, fetch: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``await fetch(*args, **kwargs)``, unless the same key is in flight: then its outcome."""
        while (waiters := self._flights.get(key)) is not None:
            future: asyncio.Future[T | _Handoff] = asyncio.get_running_loop().create_future()
            waiters.append(future)
            outcome = await future
            if not isinstance(outcome, _Handoff):
                self.shared += 1
                return outcome
        waiters = self._flights[key] = []
        try:
            result = await fetch(*args, **kwargs)
        except Exception as exc:
            del self._flights[key]
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            raise
        except BaseException:  # cancelled (or the process is exiting): the waiters are not
            del self._flights[key]
            _release(waiters, _HANDOFF)
            raise
        del self._flights[key]
        _release(waiters, result)
        return result


def _release(waiters: list[asyncio.Future[T | _Handoff]], outcome: T | _Handoff) -> None:
    for waiter in waiters:
        # A waiter cancelled while it waited has a done future; it needs nothing.
        if not waiter.done():
            waiter.set_result(outcome)
