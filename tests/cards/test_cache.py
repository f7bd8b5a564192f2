"""AsyncTTLCache: hits, expiry, refresh, failures, coalescing, cancellation, size bound."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.cards.cache import AsyncTTLCache
from tests.conftest import FakeClock


class Loader:
    """Counts calls; returns "<key>#<call number>" so a reload is visible in the value."""

    def __init__(self, key: str = "k", *, gate: asyncio.Event | None = None) -> None:
        self.key = key
        self.calls = 0
        self.gate = gate
        self.started = asyncio.Event()
        self.fail_next = False

    async def __call__(self) -> str:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("load failed")
        return f"{self.key}#{self.calls}"


def cache(
    ttl: float = 60.0, max_entries: int = 100, clock: FakeClock | None = None
) -> AsyncTTLCache[str, str]:
    return AsyncTTLCache(ttl=ttl, max_entries=max_entries, clock=clock or FakeClock())


async def until(condition: Callable[[], bool], *, steps: int = 1000) -> None:
    """Let other tasks run until `condition` holds (bounded, no sleeping on the clock)."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


async def test_miss_then_hit_loads_once() -> None:
    values = cache()
    load = Loader()

    first = await values.get("k", load)
    second = await values.get("k", load)

    assert (first, second) == ("k#1", "k#1")
    assert load.calls == 1
    assert len(values) == 1


async def test_keys_are_separate() -> None:
    values = cache()
    a, b = Loader("a"), Loader("b")

    assert await values.get("a", a) == "a#1"
    assert await values.get("b", b) == "b#1"
    assert await values.get("a", a) == "a#1"
    assert (a.calls, b.calls) == (1, 1)


async def test_entry_expires_after_ttl() -> None:
    clock = FakeClock()
    values = cache(ttl=30, clock=clock)
    load = Loader()

    await values.get("k", load)
    clock.now += 29.9
    assert await values.get("k", load) == "k#1"
    clock.now += 0.1
    assert await values.get("k", load) == "k#2"
    assert load.calls == 2
    clock.now += 29.9
    assert await values.get("k", load) == "k#2"


async def test_fresh_reloads_and_stores_the_new_value() -> None:
    values = cache()
    load = Loader()

    await values.get("k", load)
    assert await values.get("k", load, fresh=True) == "k#2"
    assert await values.get("k", load) == "k#2"
    assert load.calls == 2


async def test_failures_are_not_cached() -> None:
    values = cache()
    load = Loader()
    load.fail_next = True

    with pytest.raises(RuntimeError, match="load failed"):
        await values.get("k", load)
    assert len(values) == 0

    assert await values.get("k", load) == "k#2"
    assert load.calls == 2


async def test_failed_refresh_keeps_nothing_stale_and_retries() -> None:
    clock = FakeClock()
    values = cache(ttl=10, clock=clock)
    load = Loader()
    await values.get("k", load)
    clock.now += 10
    load.fail_next = True

    with pytest.raises(RuntimeError):
        await values.get("k", load)

    assert await values.get("k", load) == "k#3"


async def test_concurrent_gets_share_one_load() -> None:
    values = cache()
    gate = asyncio.Event()
    load = Loader(gate=gate)

    waiters = [asyncio.create_task(values.get("k", load)) for _ in range(50)]
    await load.started.wait()
    assert not any(task.done() for task in waiters)
    gate.set()
    results = await asyncio.gather(*waiters)

    assert results == ["k#1"] * 50
    assert load.calls == 1


async def test_concurrent_gets_share_one_failure_then_retry() -> None:
    values = cache()
    gate = asyncio.Event()
    load = Loader(gate=gate)
    load.fail_next = True

    waiters = [asyncio.create_task(values.get("k", load)) for _ in range(10)]
    await load.started.wait()
    gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)

    assert all(isinstance(result, RuntimeError) for result in results)
    assert load.calls == 1
    assert await values.get("k", load) == "k#2"


async def test_fresh_during_a_load_joins_it() -> None:
    values = cache()
    gate = asyncio.Event()
    load = Loader(gate=gate)

    first = asyncio.create_task(values.get("k", load))
    await load.started.wait()
    second = asyncio.create_task(values.get("k", load, fresh=True))
    gate.set()

    assert [await first, await second] == ["k#1", "k#1"]
    assert load.calls == 1


@pytest.mark.parametrize("give_up", ["cancel", "wait_for"])
async def test_waiter_giving_up_does_not_cancel_the_shared_load(give_up: str) -> None:
    values = cache()
    gate = asyncio.Event()
    load = Loader(gate=gate)

    quitter: Awaitable[str]
    if give_up == "cancel":
        quitter = asyncio.create_task(values.get("k", load))
    else:
        quitter = asyncio.create_task(asyncio.wait_for(values.get("k", load), timeout=0.01))
    stayer = asyncio.create_task(values.get("k", load))
    await load.started.wait()
    if give_up == "cancel":
        quitter.cancel()
    with pytest.raises((asyncio.CancelledError, TimeoutError)):
        await quitter
    assert not stayer.done()

    gate.set()

    assert await stayer == "k#1"
    assert load.calls == 1
    assert await values.get("k", load) == "k#1"  # the load finished and was stored


async def test_a_load_every_waiter_gave_up_on_is_not_joined_by_the_next_caller() -> None:
    values = cache()
    hanging = Loader("old", gate=asyncio.Event())  # a load stuck on a body that never ends
    waiter = asyncio.create_task(values.get("k", hanging))
    await hanging.started.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter

    # The next caller starts a load of its own rather than wait on the abandoned one.
    fresh = Loader()
    async with asyncio.timeout(5):  # joined, it would wait for ever
        assert await values.get("k", fresh) == "k#1"
    assert (hanging.calls, fresh.calls) == (1, 1)
    # The abandoned load ends after all: it does not replace the newer value.
    assert hanging.gate is not None
    hanging.gate.set()
    await until(lambda: not asyncio.all_tasks() - {asyncio.current_task()})
    assert await values.get("k", fresh) == "k#1"


async def test_an_abandoned_load_still_fills_the_cache() -> None:
    values = cache()
    gate = asyncio.Event()
    load = Loader(gate=gate)  # a slow read whose card went without it
    waiter = asyncio.create_task(values.get("k", load))
    await load.started.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.set()
    await until(lambda: len(values) == 1)

    assert await values.get("k", load) == "k#1"  # the next card finds it read
    assert load.calls == 1


async def test_size_bound_evicts_least_recently_used() -> None:
    values = cache(max_entries=2)
    loads = {key: Loader(key) for key in "abc"}

    await values.get("a", loads["a"])
    await values.get("b", loads["b"])
    await values.get("a", loads["a"])  # a is now more recent than b
    await values.get("c", loads["c"])  # evicts b

    assert len(values) == 2
    assert await values.get("a", loads["a"]) == "a#1"
    assert await values.get("c", loads["c"]) == "c#1"
    assert await values.get("b", loads["b"]) == "b#2"  # reloaded: it had been evicted
    assert len(values) == 2
    assert await values.get("a", loads["a"]) == "a#2"  # b's return pushed out a (c was newer)


async def test_ttl_zero_never_stores() -> None:
    values = cache(ttl=0)
    load = Loader()

    assert await values.get("k", load) == "k#1"
    assert await values.get("k", load) == "k#2"
    assert len(values) == 0


async def test_ttl_zero_still_coalesces() -> None:
    values = cache(ttl=0)
    gate = asyncio.Event()
    load = Loader(gate=gate)

    waiters = [asyncio.create_task(values.get("k", load)) for _ in range(20)]
    await load.started.wait()
    gate.set()

    assert await asyncio.gather(*waiters) == ["k#1"] * 20
    assert load.calls == 1
    assert len(values) == 0
