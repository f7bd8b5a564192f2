"""What only the in-process state has: bounded memory, and expiry on an injectable clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.shared_state import InProcessState, KeyedLocks
from tests.conftest import FakeClock


async def test_a_lock_is_forgotten_once_nobody_holds_or_awaits_it() -> None:
    locks = KeyedLocks()
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with locks.hold("refresh"):
            holding.set()
            await release.wait()

    first = asyncio.create_task(holder())
    await holding.wait()
    waiter = asyncio.create_task(_enter(locks, "refresh"))
    given_up = asyncio.create_task(_enter(locks, "refresh"))
    for _ in range(3):  # let both reach the lock and wait there
        await asyncio.sleep(0)
    assert len(locks) == 1
    given_up.cancel()
    release.set()
    await asyncio.gather(first, waiter)

    assert given_up.cancelled()
    assert len(locks) == 0


async def test_many_keys_leave_no_locks_behind() -> None:
    locks = KeyedLocks()
    for n in range(1000):
        async with locks.hold(f"key-{n}"):
            pass
    assert len(locks) == 0


async def _enter(locks: KeyedLocks, key: str) -> None:
    async with locks.hold(key):
        pass


async def test_the_cache_keeps_at_most_max_entries() -> None:
    state = InProcessState(max_entries=3)
    for n in range(4):
        await state.set(f"k{n}", b"v", 60)

    assert [await state.get(f"k{n}") for n in range(4)] == [None, b"v", b"v", b"v"]


async def test_entries_holds_and_claims_expire_on_the_clock() -> None:
    clock = FakeClock()
    state = InProcessState(clock=clock)
    await state.set("person", b"card", 10)
    await state.hold("token", 10)
    assert await state.claim("event", 10)

    clock.now += 4
    assert await state.get("person") == b"card"
    assert await state.held_for("token") == pytest.approx(6)
    assert not await state.claim("event", 10)

    clock.now += 6
    assert await state.get("person") is None
    assert await state.held_for("token") == 0.0
    assert await state.claim("event", 10)
