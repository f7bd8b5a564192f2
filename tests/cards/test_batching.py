"""BatchLoader: a list read only where it saves tokens (10 ids and up), single reads below."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.cards.batching import LIST_READ_MIN_IDS, BatchLoader
from bot.pipedrive import PipedriveBadRequest


class Source:
    """Records 1..99 exist; counts the requests made for them and the deadlines they got."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.single: list[int] = []
        self.many: list[list[int]] = []
        self.deadlines: list[float | None] = []
        self.gate = gate
        self.cancelled = 0

    async def one(self, key: int, *, deadline: float | None) -> str:
        self.single.append(key)
        self.deadlines.append(deadline)
        await self._wait()
        if key >= 100:
            raise LookupError(f"no record {key}")
        return f"record {key}"

    async def some(self, keys: Sequence[int], *, deadline: float | None) -> dict[int, str]:
        self.many.append(list(keys))
        self.deadlines.append(deadline)
        await self._wait()
        return {key: f"record {key}" for key in keys if key < 100}

    async def _wait(self) -> None:
        if self.gate is not None:
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise


async def test_a_lone_id_uses_the_single_endpoint() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    assert await loader.load(7) == "record 7"
    assert (source.single, source.many) == ([7], [])


async def test_fewer_than_ten_ids_are_read_singly_not_in_a_list() -> None:
    # Two single reads cost 2 tokens; a list read of the same two ids costs 10.
    source = Source()
    loader = BatchLoader(source.one, source.some)
    found = await asyncio.gather(*(loader.load(key) for key in (1, 2, 3, 2)))
    assert found == ["record 1", "record 2", "record 3", "record 2"]
    assert source.many == []
    assert sorted(source.single) == [1, 2, 3]


async def test_ten_ids_wanted_together_go_in_one_list_read() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    keys = list(range(1, LIST_READ_MIN_IDS + 1))
    found = await asyncio.gather(*(loader.load(key) for key in keys))
    assert found == [f"record {key}" for key in keys]
    assert source.many == [keys]
    assert source.single == []


async def test_an_id_the_list_leaves_out_gets_its_own_answer() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    keys = [*range(1, 10), 404]
    found = await asyncio.gather(*(loader.load(key) for key in keys), return_exceptions=True)
    assert found[:9] == [f"record {key}" for key in range(1, 10)]
    assert isinstance(found[9], LookupError)
    assert source.single == [404]


async def test_a_failed_list_read_fails_each_waiter() -> None:
    async def broken(keys: Sequence[int], *, deadline: float | None) -> dict[int, str]:
        raise ConnectionError("down")

    loader = BatchLoader(Source().one, broken)
    found = await asyncio.gather(
        *(loader.load(key) for key in range(1, 11)), return_exceptions=True
    )
    assert all(isinstance(result, ConnectionError) for result in found)


async def test_a_list_read_refused_as_a_whole_is_read_id_by_id() -> None:
    source = Source()

    async def refused(keys: Sequence[int], *, deadline: float | None) -> dict[int, str]:
        raise PipedriveBadRequest("GET /api/v2/persons: HTTP 400")

    loader = BatchLoader(source.one, refused)
    keys = [*range(1, 10), 404]
    found = await asyncio.gather(*(loader.load(key) for key in keys), return_exceptions=True)
    assert found[:9] == [f"record {key}" for key in range(1, 10)]
    assert isinstance(found[9], LookupError)  # the bad id gets its own answer
    assert sorted(source.single) == keys


async def test_batches_never_exceed_the_maximum() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some, min_batch=2, max_batch=10)
    found = await asyncio.gather(*(loader.load(key) for key in range(1, 26)))
    assert found == [f"record {key}" for key in range(1, 26)]
    assert [len(batch) for batch in source.many] == [10, 10, 5]


async def test_ids_asked_for_while_a_fetch_is_in_flight_are_sent_together() -> None:
    gate = asyncio.Event()
    source = Source(gate)
    loader = BatchLoader(source.one, source.some, min_batch=3, window=0.01)
    first = asyncio.ensure_future(loader.load(1))
    for _ in range(5):  # a few turns of the loop: the lone first id is sent
        await asyncio.sleep(0)
    assert source.single == [1]
    later = [asyncio.ensure_future(loader.load(key)) for key in (2, 3, 4)]
    async with asyncio.timeout(5):
        while not source.many:
            await asyncio.sleep(0.005)
    gate.set()
    assert await asyncio.gather(*later) == ["record 2", "record 3", "record 4"]
    assert source.many == [[2, 3, 4]]
    assert await first == "record 1"


async def test_a_fetch_is_made_for_its_most_patient_caller() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    await asyncio.gather(loader.load(5, deadline=10.0), loader.load(5, deadline=20.0))
    await asyncio.gather(loader.load(6, deadline=10.0), loader.load(6))
    assert source.deadlines == [20.0, None]


async def test_a_caller_that_gives_up_does_not_break_the_others() -> None:
    gate = asyncio.Event()
    source = Source(gate)
    loader = BatchLoader(source.one, source.some)
    impatient = asyncio.ensure_future(loader.load(5))
    patient = asyncio.ensure_future(loader.load(5))
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()
    assert await patient == "record 5"
    with pytest.raises(asyncio.CancelledError):
        await impatient


@pytest.mark.parametrize("keys", [[5], list(range(1, 11))], ids=["single", "list"])
async def test_a_fetch_every_caller_gave_up_on_is_cancelled(keys: list[int]) -> None:
    gate = asyncio.Event()  # never set: the reads hang, as a trickling answer does
    source = Source(gate)
    loader = BatchLoader(source.one, source.some)
    callers = [asyncio.ensure_future(loader.load(key)) for key in keys]
    async with asyncio.timeout(5):
        while not (source.single or source.many):
            await asyncio.sleep(0)
        for caller in callers:
            caller.cancel()
        await asyncio.gather(*callers, return_exceptions=True)
        while source.cancelled < 1:
            await asyncio.sleep(0)

    # A new caller gets a new read, not the abandoned one.
    gate.set()
    assert await loader.load(keys[0]) == f"record {keys[0]}"
