"""SharedSlots: the pacer's slots in the shared state, in-process and in Redis (two instances:
two processes), and the pacer over them when this process gets Redis's answer late."""

from __future__ import annotations

import asyncio
import time
import uuid

from bot.pipedrive.pacing import Bucket, RequestPacer
from bot.store.shared_slots import SharedSlots
from bot.store.shared_state import SharedState

Pair = tuple[SharedState, SharedState]
# 6 per 2.2 s: at most 2 starts per second, 5 per 3 s in the shared limits.
LIMIT = 6


def bucket() -> Bucket:
    return Bucket(key=f"token-{uuid.uuid4().hex}", limit=LIMIT, window=2.2)


async def taken(slots: SharedSlots, buckets: list[Bucket]) -> bool:
    """Whether a start that may not wait (a best-effort read) got a slot now."""
    now = asyncio.get_running_loop().time()
    return await slots.reserve(buckets, now=now, latest=now) <= now


async def test_two_processes_share_the_per_second_limit(states: Pair) -> None:
    first, second = SharedSlots(states[0]), SharedSlots(states[1])
    buckets = [bucket()]

    answers = [await taken(first if n % 2 else second, buckets) for n in range(6)]

    assert answers == [True, True, False, False, False, False]


async def test_a_start_the_per_second_limit_refuses_does_not_spend_the_windows_slot(
    states: Pair,
) -> None:
    slots = SharedSlots(states[0])
    buckets = [bucket()]
    burst = [await taken(slots, buckets) for _ in range(10)]
    assert burst.count(True) == 2  # two, the rest refused by the second's limit

    await asyncio.sleep(1.05)  # the second's slots are back; 3 of the 3 s window's 5 are left

    assert [await taken(slots, buckets) for _ in range(3)] == [True, True, False]


class SlowAnswers:
    """A real shared state whose first slot comes back while this process's event loop is busy
    elsewhere (blocked for `busy` seconds), as under a burst of cards being rendered."""

    def __init__(self, state: SharedState, busy: float) -> None:
        self.state = state
        self.busy = busy
        self.acquired = 0

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        wait = await self.state.acquire(key, limit, window_seconds)
        self.acquired += wait == 0.0
        if self.busy:
            time.sleep(self.busy)  # noqa: ASYNC251 - the point: nothing else runs meanwhile
            self.busy = 0.0
        return wait

    async def hold(self, key: str, seconds: float) -> None:
        await self.state.hold(key, seconds)

    async def held_for(self, key: str) -> float:
        return await self.state.held_for(key)


async def test_a_slot_is_dated_from_before_it_was_asked_for(states: Pair) -> None:
    slots = SharedSlots(SlowAnswers(states[0], busy=0.3))  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    now = loop.time()

    start = await slots.reserve([bucket()], now=now, latest=now + 10)

    assert start < loop.time() - 0.25


async def test_a_slot_this_process_got_to_late_is_spent_and_another_taken(states: Pair) -> None:
    slow = SlowAnswers(states[0], busy=0.3)
    pacer = RequestPacer(LIMIT, store=SharedSlots(slow))  # type: ignore[arg-type]

    await pacer.wait_turn("api-token:late")

    # The late slot's two limits (a second's and the 3 s window's), then the fresh one's two.
    assert slow.acquired == 4


async def test_a_queued_start_waits_for_its_slot_once(states: Pair) -> None:
    pacer = RequestPacer(LIMIT, store=SharedSlots(states[0]))
    for _ in range(2):  # the second's two slots
        await pacer.wait_turn("api-token:queued")
    loop = asyncio.get_running_loop()
    asked = loop.time()

    await pacer.wait_turn("api-token:queued")

    # The shared store waited about a second for the slot; the pacer adds no wait of its own.
    assert 0.5 < loop.time() - asked < 1.5
