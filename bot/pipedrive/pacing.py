"""Staying under Pipedrive's limits: a per-request deadline and a burst pacer.

Pipedrive allows a number of requests per rolling 2-second window (by plan) and fewer searches.
The pacer hands out start times so a burst queues in order instead of failing, and holds every
request back after a 429 until Pipedrive's reset. The deadline (a context variable, so it follows
the request into the tasks it starts) tells waits and retries how much time the answer has left.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

from bot.pipedrive.errors import PipedriveRateLimited, PipedriveUnavailable

BURST_WINDOW_SECONDS = 2.0
# Searches have their own, tighter limit: 10 per 2 s.
SEARCH_BURST_LIMIT = 10

_deadline: ContextVar[float | None] = ContextVar("pipedrive_deadline", default=None)


@asynccontextmanager
async def answer_within(seconds: float, what: str, *, margin: float = 0.0) -> AsyncIterator[float]:
    """The block must finish within `seconds`, or `PipedriveUnavailable` says so.

    Requests made in it must be done `margin` seconds earlier, so that what they leave out can
    still be answered in time; yields that deadline (loop time).
    """
    requests_deadline = asyncio.get_running_loop().time() + seconds - margin
    try:
        async with asyncio.timeout_at(requests_deadline + margin):
            with deadline_at(requests_deadline):
                yield requests_deadline
    except TimeoutError:
        raise PipedriveUnavailable(f"{what}: no answer within {seconds:g} s") from None


@contextmanager
def deadline_at(when: float) -> Iterator[None]:
    """Requests made in this block (and tasks it starts) must finish by loop time `when`."""
    current = _deadline.get()
    token = _deadline.set(when if current is None else min(current, when))
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds until the current deadline, or None when there is none (a command-line run)."""
    when = _deadline.get()
    return None if when is None else when - asyncio.get_running_loop().time()


class RequestPacer:
    """Lets at most `limit` requests start in any `window` seconds, first come first served."""

    def __init__(self, limit: int, window: float = BURST_WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._starts: deque[float] = deque(maxlen=limit)
        self._paused_until = 0.0

    async def wait_turn(self, *, queue: bool = True) -> None:
        """Wait for this request's start time; raise if that is after the deadline.

        With `queue=False` a request that cannot start at once is refused instead: for reads a
        card can do without, which must not hold up the ones it needs.
        """
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._paused_until)
        if len(self._starts) == self.limit:
            start = max(start, self._starts[0] + self.window)
        if start > now and self._starts:
            # Strictly after the one before, so requests that wait start in the order they came.
            start = max(start, self._starts[-1] + 1e-6)
        wait = start - now
        left = time_left()
        if wait > 0 and not queue:
            raise PipedriveRateLimited(f"burst limit: skipped, next start in {wait:.1f} s", wait)
        if wait > 0 and left is not None and wait >= left:
            raise PipedriveRateLimited(f"burst limit: next start in {wait:.1f} s", wait)
        self._starts.append(start)
        if wait > 0:
            woken = loop.create_future()
            timer = loop.call_at(start, _wake, woken)
            try:
                await woken
            finally:
                timer.cancel()

    def pause(self, seconds: float) -> None:
        """After a 429: no request starts for `seconds`."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
