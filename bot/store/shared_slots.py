"""The Pipedrive pacer's slots kept in the shared state, so several processes share one burst
window per token (`bot.pipedrive.pacing.SlotStore`).

The shared limiter takes a slot now or says how long until one frees; it cannot book a slot in
the future. So within a process, requests for the same buckets queue first come, first served
(one lock per set of buckets), and only the one at the head asks the shared limiter, waiting
until every bucket gives it a slot at once (or until its `latest` would pass); the request then
starts at once. Across processes the heads take turns as slots free. Requests reach Pipedrive a
little after they start, some later than others (a busy process), so the shared limits keep a
wider guard than the in-process pacer (`_windows`): one slot fewer than the limit per 3 s, and
at most a third of it per second, taken in that order (a slot the second limit refuses is spent
in the first, so the short one goes first). A slot is dated from before it was asked for, so a
process that gets the answer late (a busy event loop) sees it late and takes another
(`RequestPacer.wait_turn`). Several processes trade some throughput for never going over.
A read that waits marks its buckets, and reads a card can do without (pictures) stand back while
they are marked, in every process.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from bot.pipedrive.pacing import Bucket
from bot.store.shared_state import SharedState

# Marks a bucket some read waits for a slot in, a little past its expected turn.
WAITING = ":waiting"
WAITING_MARGIN = 0.1
# How long a best-effort read is told to wait when reads that need a slot are queued here.
QUEUED_WAIT = 0.1


class SharedSlots:
    def __init__(self, state: SharedState, *, prefix: str = "pipedrive-burst:") -> None:
        self._state = state
        self._prefix = prefix
        self._queues: dict[tuple[str, ...], asyncio.Lock] = {}

    async def reserve(self, buckets: Sequence[Bucket], *, now: float, latest: float) -> float:
        queue = self._queues.setdefault(tuple(bucket.key for bucket in buckets), asyncio.Lock())
        if latest <= now:  # best effort: at once, never ahead of a read that needs a slot
            if queue.locked():
                return now + QUEUED_WAIT
            return await self._take(buckets, now=now, latest=latest, best_effort=True)
        try:
            if math.isfinite(latest):
                async with asyncio.timeout_at(latest):
                    await queue.acquire()
            else:
                await queue.acquire()
        except TimeoutError:
            return latest + QUEUED_WAIT
        try:  # at the head of the queue: a slot free now is this moment's
            now = asyncio.get_running_loop().time()
            return await self._take(buckets, now=now, latest=latest, best_effort=False)
        finally:
            queue.release()

    async def hold(self, key: str, until: float) -> None:
        seconds = until - asyncio.get_running_loop().time()
        if seconds > 0:
            await self._state.hold(self._prefix + key, seconds)

    async def _take(
        self, buckets: Sequence[Bucket], *, now: float, latest: float, best_effort: bool
    ) -> float:
        """A slot in every bucket: `now` when one was free at once, else the loop time it was
        asked for after waiting; or the later time one would be free when that is after
        `latest` (nothing taken then, or a slot lost: never over)."""
        loop = asyncio.get_running_loop()
        keys = [self._prefix + bucket.key for bucket in buckets]
        waited = False
        while True:
            current = loop.time()
            held = max([await self._state.held_for(key) for key in keys] or [0.0])
            if best_effort:
                waiting = [await self._state.held_for(key + WAITING) for key in keys]
                held = max([held, *waiting])
            if held > 0:
                if current + held > latest:
                    return current + held
                await asyncio.sleep(held)
                waited = True
                continue
            wait, taken = 0.0, loop.time()  # the slot's time: the pacer sees any lag after it
            for key, bucket in zip(keys, buckets, strict=True):
                for name, limit, window in _windows(key, bucket):
                    wait = await self._state.acquire(name, limit, window)
                    if wait > 0:
                        break
                if wait > 0:
                    break
            if wait == 0:
                return taken if waited else now
            if current + wait > latest:
                return current + wait
            for key in keys:
                await self._state.hold(key + WAITING, wait + WAITING_MARGIN)
            await asyncio.sleep(wait)
            waited = True


def _windows(key: str, bucket: Bucket) -> list[tuple[str, int, int]]:
    """The shared limits a bucket's start takes a slot in: one slot fewer than the limit in its
    window rounded up to whole seconds (3 s for Pipedrive's 2 s and the pacer's guard), and at
    most a third of the limit per second, so a burst is spread out. Both leave room for what no
    process controls: a start that reaches Pipedrive late must not pile onto the next ones."""
    window = max(1, math.ceil(bucket.window))
    limits = [(key, max(1, bucket.limit - 1), window)]
    if window > 1:
        # The per-second limit first: a slot taken in one limit and refused by the next is
        # spent without a request, and a second's slot is back a second later.
        limits.insert(0, (f"{key}:per-second", max(1, bucket.limit // 3), 1))
    return limits
