"""The answer's budget: a deadline passed down, and running out of it told apart from Pipedrive."""

from __future__ import annotations

import asyncio

import pytest

from bot.cards.budget import BudgetExhausted, answer_by, deadline_after
from bot.pipedrive import PipedriveError


async def test_a_block_past_its_deadline_is_cancelled_as_budget_exhausted() -> None:
    cancelled = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(BudgetExhausted, match="person 7: no answer within 0.1 s") as raised:
        async with answer_by(deadline_after(0.1), "person 7"):
            await slow()

    assert cancelled.is_set()
    assert raised.value.seconds == 0.1
    assert not isinstance(raised.value, PipedriveError)


async def test_a_timeout_inside_the_block_is_not_ours() -> None:
    with pytest.raises(TimeoutError):
        async with answer_by(deadline_after(10), "search"):
            async with asyncio.timeout(0):
                await asyncio.sleep(1)


async def test_a_block_in_time_passes_its_result_and_errors_through() -> None:
    async with answer_by(deadline_after(10), "search"):
        value = await asyncio.sleep(0, "done")
    assert value == "done"
    with pytest.raises(PipedriveError):
        async with answer_by(deadline_after(10), "search"):
            raise PipedriveError("GET /x: HTTP 418")
