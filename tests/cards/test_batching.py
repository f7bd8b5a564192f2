"""BatchLoader: one request for ids wanted together, the single endpoint for a lone id."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.cards.batching import BatchLoader


class Source:
    """Records 1..99 exist; counts the requests made for them."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.single: list[int] = []
        self.many: list[list[int]] = []
        self.gate = gate

    async def one(self, key: int) -> str:
        self.single.append(key)
        if self.gate is not None:
            await self.gate.wait()
        if key >= 100:
            raise LookupError(f"no record {key}")
        return f"record {key}"

    async def some(self, keys: Sequence[int]) -> dict[int, str]:
        self.many.append(list(keys))
        return {key: f"record {key}" for key in keys if key < 100}


async def test_a_lone_id_uses_the_single_endpoint() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    assert await loader.load(7) == "record 7"
    assert (source.single, source.many) == ([7], [])


async def test_ids_wanted_together_go_in_one_request() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    found = await asyncio.gather(*(loader.load(key) for key in (1, 2, 3, 2)))
    assert found == ["record 1", "record 2", "record 3", "record 2"]
    assert source.many == [[1, 2, 3]]
    assert source.single == []


async def test_an_id_the_list_leaves_out_gets_its_own_answer() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some)
    found = await asyncio.gather(loader.load(1), loader.load(404), return_exceptions=True)
    assert found[0] == "record 1"
    assert isinstance(found[1], LookupError)
    assert source.single == [404]


async def test_a_failed_list_request_fails_each_waiter() -> None:
    async def broken(keys: Sequence[int]) -> dict[int, str]:
        raise ConnectionError("down")

    loader = BatchLoader(Source().one, broken)
    found = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in found)


async def test_batches_never_exceed_the_maximum() -> None:
    source = Source()
    loader = BatchLoader(source.one, source.some, max_batch=10)
    found = await asyncio.gather(*(loader.load(key) for key in range(1, 26)))
    assert found == [f"record {key}" for key in range(1, 26)]
    assert [len(batch) for batch in source.many] == [10, 10, 5]


async def test_ids_asked_for_while_a_fetch_is_in_flight_are_sent_together() -> None:
    gate = asyncio.Event()
    source = Source(gate)
    loader = BatchLoader(source.one, source.some, window=0.01)
    first = asyncio.ensure_future(loader.load(1))
    for _ in range(5):  # a few turns of the loop: the lone first id is sent
        await asyncio.sleep(0)
    assert source.single == [1]
    later = [asyncio.ensure_future(loader.load(key)) for key in (2, 3, 4)]
    rest = await asyncio.gather(*later)
    assert rest == ["record 2", "record 3", "record 4"]
    assert source.many == [[2, 3, 4]]
    gate.set()
    assert await first == "record 1"


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
