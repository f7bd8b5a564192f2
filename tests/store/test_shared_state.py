"""Each `SharedState` operation, in-process and in Redis (two instances: two processes)."""

from __future__ import annotations

import asyncio
import sys
import uuid

import pytest
from redis.asyncio import Redis

from bot.store.redis_state import RedisState
from bot.store.shared_state import SharedState

from .waiting import eventually

Pair = tuple[SharedState, SharedState]


def new_key() -> str:
    return f"key-{uuid.uuid4().hex}"


# Burst limiter


async def test_limiter_lets_exactly_the_limit_through_then_reports_a_wait(states: Pair) -> None:
    first, second = states
    key = new_key()

    taken = [await (first if i % 2 else second).acquire(key, 5, 60) for i in range(5)]
    refused = [await first.acquire(key, 5, 60), await second.acquire(key, 5, 60)]

    assert taken == [0.0] * 5
    assert all(0 < wait <= 60 for wait in refused)


async def test_limiter_frees_a_slot_once_the_window_rolls_on(states: Pair) -> None:
    first, second = states
    key = new_key()
    assert [await first.acquire(key, 2, 1), await second.acquire(key, 2, 1)] == [0.0, 0.0]
    assert await first.acquire(key, 2, 1) > 0

    async def a_slot_freed() -> bool:
        return await second.acquire(key, 2, 1) == 0.0

    await eventually(a_slot_freed, what="a slot to free")


async def test_limiter_keys_are_independent(states: Pair) -> None:
    first, second = states
    busy, other = new_key(), new_key()
    assert await first.acquire(busy, 1, 60) == 0.0
    assert await second.acquire(busy, 1, 60) > 0

    assert await second.acquire(other, 1, 60) == 0.0


async def test_limiter_refuses_a_limit_it_cannot_keep(states: Pair) -> None:
    first, _ = states
    with pytest.raises(ValueError):
        await first.acquire(new_key(), 0, 2)
    with pytest.raises(ValueError):
        await first.acquire(new_key(), 10, 0)


# Hold after a 429


async def test_no_hold_is_zero(states: Pair) -> None:
    first, _ = states
    assert await first.held_for(new_key()) == 0.0


async def test_hold_extends_but_never_shortens(states: Pair) -> None:
    first, second = states
    key = new_key()

    await first.hold(key, 60)
    assert 50 < await second.held_for(key) <= 60

    await second.hold(key, 5)
    assert 50 < await first.held_for(key) <= 60

    await second.hold(key, 120)
    assert 110 < await first.held_for(key) <= 120


async def test_hold_ends(states: Pair) -> None:
    first, second = states
    key = new_key()
    await first.hold(key, 0.05)

    async def released() -> bool:
        return await second.held_for(key) == 0.0

    await eventually(released, what="the hold to end")


# Cache


async def test_cache_round_trip_between_callers(states: Pair) -> None:
    first, second = states
    key, value = new_key(), bytes(range(256))
    assert await first.get(key) is None

    await first.set(key, value, 60)
    assert await second.get(key) == value

    await second.set(key, b"newer", 60)
    assert await first.get(key) == b"newer"

    await first.delete(key)
    assert await second.get(key) is None
    await second.delete(key)


async def test_cache_entries_expire(states: Pair) -> None:
    first, second = states
    key = new_key()
    await first.set(key, b"brief", 0.05)

    async def gone() -> bool:
        return await second.get(key) is None

    await eventually(gone, what="the entry to expire")


async def test_cache_set_without_ttl_keeps_nothing(states: Pair) -> None:
    first, second = states
    key = new_key()
    await first.set(key, b"kept", 60)

    await first.set(key, b"not kept", 0)

    assert await second.get(key) is None


# Single use


async def test_claim_is_single_use(states: Pair) -> None:
    first, second = states
    key = new_key()

    assert await first.claim(key, 60) is True
    assert await second.claim(key, 60) is False
    assert await first.claim(key, 60) is False
    assert await second.claim(new_key(), 60) is True


async def test_claim_can_be_made_again_once_it_expires(states: Pair) -> None:
    first, second = states
    key = new_key()
    assert await first.claim(key, 0.05) is True

    async def claimable() -> bool:
        return await second.claim(key, 60)

    await eventually(claimable, what="the claim to expire")
    assert await first.claim(key, 60) is False


async def test_claim_needs_a_ttl(states: Pair) -> None:
    first, _ = states
    with pytest.raises(ValueError):
        await first.claim(new_key(), 0)


# Lock


async def test_lock_admits_one_holder_at_a_time_across_callers(states: Pair) -> None:
    first, second = states
    key = new_key()
    inside = most_inside = done = 0

    async def work(state: SharedState) -> None:
        nonlocal inside, most_inside, done
        async with state.lock(key, 10):
            inside += 1
            most_inside = max(most_inside, inside)
            # Give the other holders every chance to get in: a round trip, then a turn.
            await state.get(key)
            await asyncio.sleep(0)
            inside -= 1
            done += 1

    async with asyncio.timeout(30):
        await asyncio.gather(*(work(state) for state in (first, second) * 3))

    assert (most_inside, done) == (1, 6)


async def test_lock_is_released_on_exit_and_on_error(states: Pair) -> None:
    first, second = states
    key = new_key()
    async with asyncio.timeout(10):
        async with first.lock(key, 10):
            pass
        async with second.lock(key, 10):
            pass
        with pytest.raises(RuntimeError, match="in the body"):
            async with second.lock(key, 10):
                raise RuntimeError("in the body")
        async with first.lock(key, 10):
            pass


async def test_locks_on_different_keys_do_not_exclude_each_other(states: Pair) -> None:
    first, second = states
    async with asyncio.timeout(10):
        async with first.lock(new_key(), 10), second.lock(new_key(), 10):
            pass


# Redis only: what two processes see, and what a process leaves when it dies


async def test_a_dead_holder_loses_the_lock_after_its_timeout(
    redis_url: str, redis_prefix: str, redis_pair: tuple[RedisState, RedisState]
) -> None:
    survivor, _ = redis_pair
    key = new_key()
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_A_LOCK_FOREVER,
        redis_url,
        redis_prefix,
        key,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(30):
            assert holder.stdout is not None
            assert await holder.stdout.readline() == b"held\n"
        assert await lock_keys(redis_url, redis_prefix, key), "the holder's lock is in Redis"
    finally:
        holder.kill()
        await holder.wait()

    async with asyncio.timeout(30), survivor.lock(key, 10):
        pass


HOLD_A_LOCK_FOREVER = """
import asyncio, sys
from bot.store.redis_state import RedisState

async def main(url, prefix, key):
    async with RedisState(url, prefix=prefix).lock(key, 1.0):
        print("held", flush=True)
        await asyncio.Event().wait()

asyncio.run(main(*sys.argv[1:]))
"""


async def lock_keys(url: str, prefix: str, key: str) -> list[bytes]:
    client = Redis.from_url(url)
    try:
        return [name async for name in client.scan_iter(match=f"{prefix}*{key}")]
    finally:
        await client.aclose()


async def test_prefixes_keep_apps_apart(redis_url: str, redis_prefix: str) -> None:
    token = uuid.uuid4().hex
    ours = RedisState(redis_url, prefix=redis_prefix)
    theirs = RedisState(redis_url, prefix=f"{redis_prefix}other-")
    key = f"key-{token}"
    try:
        assert await ours.acquire(key, 1, 60) == 0.0
        await ours.hold(key, 60)
        await ours.set(key, b"ours", 60)
        assert await ours.claim(key, 60) is True

        assert await theirs.acquire(key, 1, 60) == 0.0
        assert await theirs.held_for(key) == 0.0
        assert await theirs.get(key) is None
        assert await theirs.claim(key, 60) is True
        async with asyncio.timeout(10), ours.lock(key, 10), theirs.lock(key, 10):
            everything = await keys_containing(redis_url, token)
    finally:
        await ours.aclose()
        await theirs.aclose()

    assert everything, "the keys were written"
    assert all(name.startswith(redis_prefix.encode()) for name in everything), everything


async def keys_containing(url: str, token: str) -> list[bytes]:
    client = Redis.from_url(url)
    try:
        return [name async for name in client.scan_iter(match=f"*{token}*")]
    finally:
        await client.aclose()
