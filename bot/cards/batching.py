"""Fetch many records in one request when many are wanted at once (a burst of cards).

Pipedrive's v2 list endpoints take up to 100 ids (`GET /api/v2/persons?ids=1,2,…`). A loader
collects the ids asked for together and sends them as one request; a lone id goes to the
single-record endpoint, which is cheaper in API tokens and just as fast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")

log = logging.getLogger(__name__)

LoadOne = Callable[[int], Awaitable[V]]
LoadMany = Callable[[Sequence[int]], Awaitable[dict[int, V]]]


class BatchLoader(Generic[V]):
    """`await loader.load(id)`: the record, fetched alone or together with others.

    While nothing is being fetched, an id is sent at the next turn of the event loop, with the
    ids asked for in the same turn. While a fetch is in flight, ids wait for it to finish (but
    at most `window` seconds), so that a burst goes out in a few requests instead of one each.
    Ids the list request leaves out (not found, deleted, not visible) are asked for one by one,
    so each gets the answer the single-record endpoint gives it.
    """

    def __init__(
        self,
        load_one: LoadOne[V],
        load_many: LoadMany[V],
        *,
        max_batch: int = 100,
        window: float = 0.05,
    ) -> None:
        self._load_one = load_one
        self._load_many = load_many
        self.max_batch = max_batch
        self.window = window
        self._waiting: dict[int, list[asyncio.Future[V]]] = {}
        self._timer: asyncio.Handle | None = None
        self._fetches: set[asyncio.Task[None]] = set()

    async def load(self, key: int) -> V:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V] = loop.create_future()
        self._waiting.setdefault(key, []).append(future)
        if len(self._waiting) >= self.max_batch:
            self._send()
        elif self._timer is None and self._fetches:
            self._timer = loop.call_later(self.window, self._send)
        elif self._timer is None:
            self._timer = loop.call_soon(self._send)
        return await future

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        keys = list(self._waiting)[: self.max_batch]
        batch = {key: self._waiting.pop(key) for key in keys}
        if batch:
            fetch = asyncio.get_running_loop().create_task(self._fetch(batch))
            self._fetches.add(fetch)
            fetch.add_done_callback(self._fetched)
        if self._waiting:
            self._timer = asyncio.get_running_loop().call_later(self.window, self._send)

    def _fetched(self, fetch: asyncio.Task[None]) -> None:
        self._fetches.discard(fetch)
        if not self._fetches and self._waiting:
            self._send()  # nothing in flight any more: the waiting ids need not wait longer

    async def _fetch(self, batch: dict[int, list[asyncio.Future[V]]]) -> None:
        try:
            found = await self._load_many(list(batch)) if len(batch) > 1 else {}
        except Exception as error:
            for futures in batch.values():
                _fail(futures, error)
            return
        for key, value in found.items():
            if key in batch:
                _resolve(batch[key], value)
        left = [key for key in batch if key not in found]
        await asyncio.gather(*(self._fetch_one(key, batch[key]) for key in left))

    async def _fetch_one(self, key: int, futures: list[asyncio.Future[V]]) -> None:
        try:
            value = await self._load_one(key)
        except Exception as error:
            _fail(futures, error)
        else:
            _resolve(futures, value)


def _resolve(futures: list[asyncio.Future[V]], value: V) -> None:
    for future in futures:
        if not future.done():
            future.set_result(value)


def _fail(futures: list[asyncio.Future[V]], error: Exception) -> None:
    for future in futures:
        if not future.done():
            future.set_exception(error)
