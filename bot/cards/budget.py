"""The time an answer may take, passed down explicitly; running out of it is ours, not Pipedrive's.

A deadline is a point in the event loop's time (`loop.time()`). The use case sets one per
answer and passes it to every read it makes; the client waits (for a turn, after a 429, before
a retry) only when the wait fits before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class BudgetExhausted(Exception):
    """Our own time for an answer ran out before Pipedrive answered.

    Not a Pipedrive error: Pipedrive may only be slow. It answers as "unavailable or too slow".
    """

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what}: no answer within {seconds:g} s")
        self.seconds = seconds


def deadline_after(seconds: float) -> float:
    """The deadline `seconds` from now."""
    return asyncio.get_running_loop().time() + seconds


@asynccontextmanager
async def answer_by(deadline: float, what: str) -> AsyncIterator[None]:
    """The block must finish by `deadline`, or it is cancelled and `BudgetExhausted` says so."""
    seconds = max(0.0, deadline - asyncio.get_running_loop().time())
    try:
        async with asyncio.timeout_at(deadline) as budget:
            yield
    except TimeoutError:
        if not budget.expired():
            raise  # a timeout of something inside, not ours
        raise BudgetExhausted(what, round(seconds, 1)) from None
