"""Single flight: identical questions in flight are asked once, their outcome shared."""

from __future__ import annotations

import asyncio

import pytest

from pipeline.dnsbl.flight import SingleFlight


class Question:
    """A fake query: counts how often it is asked and answers when the test releases it."""

    def __init__(self) -> None:
        self.asked = 0
        self.release = asyncio.Event()
        self.failure: Exception | None = None

    async def ask(self, answer: str) -> str:
        self.asked += 1
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return answer


async def _settle() -> None:
    """Let every started task run up to its first wait."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_concurrent_callers_share_one_query() -> None:
    """Five callers of the same key while it is in flight cause one query and get its answer."""
    flight: SingleFlight[str, str] = SingleFlight()
    question = Question()
    calls = [asyncio.create_task(flight.run("k", question.ask, "127.0.0.2")) for _ in range(5)]
    await _settle()
    question.release.set()
    assert await asyncio.gather(*calls) == ["127.0.0.2"] * 5
    assert (question.asked, flight.shared, len(flight)) == (1, 4, 0)


async def test_different_keys_are_asked_separately() -> None:
    """Only identical keys are merged: two keys in flight together are two queries."""
    flight: SingleFlight[str, str] = SingleFlight()
    question = Question()
    calls = [asyncio.create_task(flight.run(key, question.ask, key)) for key in ("a", "b")]
    await _settle()
    question.release.set()
    assert [await call for call in calls] == ["a", "b"]
    assert (question.asked, flight.shared) == (2, 0)


async def test_failure_is_shared_and_not_remembered() -> None:
    """Every waiter gets the leader's exception; the next caller asks again."""
    flight: SingleFlight[str, str] = SingleFlight()
    question = Question()
    question.failure = TimeoutError("no answer")
    calls = [asyncio.create_task(flight.run("k", question.ask, "x")) for _ in range(3)]
    await _settle()
    question.release.set()
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(o, TimeoutError) for o in outcomes) and question.asked == 1
    question.failure = None
    assert await flight.run("k", question.ask, "again") == "again" and question.asked == 2


async def test_cancelled_leader_hands_the_question_to_a_waiter() -> None:
    """When the leader is cancelled, its waiters are not: one of them asks again."""
    flight: SingleFlight[str, str] = SingleFlight()
    question = Question()
    leader = asyncio.create_task(flight.run("k", question.ask, "x"))
    await _settle()
    waiters = [asyncio.create_task(flight.run("k", question.ask, "x")) for _ in range(2)]
    await _settle()
    leader.cancel()
    await _settle()
    question.release.set()
    assert await asyncio.gather(*waiters) == ["x", "x"]
    assert leader.cancelled() and question.asked == 2


async def test_cancelled_waiter_does_not_disturb_the_others() -> None:
    """A waiter that gives up leaves the leader and the other waiters their answer."""
    flight: SingleFlight[str, str] = SingleFlight()
    question = Question()
    calls = [asyncio.create_task(flight.run("k", question.ask, "x")) for _ in range(3)]
    await _settle()
    calls[1].cancel()
    await _settle()
    question.release.set()
    assert [await calls[0], await calls[2]] == ["x", "x"]
    with pytest.raises(asyncio.CancelledError):
        await calls[1]
