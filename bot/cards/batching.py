"""Fetch many records in one request when that is cheaper (a burst of cards).

Pipedrive's v2 list endpoints take up to 100 ids (`GET /api/v2/persons?ids=1,2,…`) and cost 10
tokens, a single read 1: a list read saves tokens only from 10 ids up. A loader collects the ids
asked for together; 10 or more go as one list read, fewer as single reads, concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bot.pipedrive import PipedriveBadRequest

V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)

log = logging.getLogger(__name__)

# Tokens: a list read costs 10, a single read 1 (`GET /api/v2/persons?ids=` vs `/persons/{id}`).
LIST_READ_MIN_IDS = 10
LIST_READ_MAX_IDS = 100


class LoadOne(Protocol[V_co]):
    def __call__(self, record_id: int, /, *, deadline: float | None) -> Awaitable[V_co]: ...


class LoadMany(Protocol[V]):
    def __call__(
        self, record_ids: Sequence[int], /, *, deadline: float | None
    ) -> Awaitable[dict[int, V]]: ...


@dataclass
class _Waiter(Generic[V]):
    future: asyncio.Future[V]
    deadline: float | None


class BatchLoader(Generic[V]):
    """`await loader.load(id, deadline=…)`: the record, fetched alone or together with others.

    While nothing is being fetched, an id is sent at the next turn of the event loop, with the
    ids asked for in the same turn. While a fetch is in flight, ids wait for it to finish (but
    at most `window` seconds), so that a burst goes out in a few requests instead of one each.
    Ids a list read leaves out (not found, deleted, not visible) are asked for one by one, so
    each gets the answer the single-record endpoint gives it; so are all of them when Pipedrive
    refuses the list read as a whole (400, for one id it will not take).

    A fetch is made for the most patient of its callers (the latest deadline); a fetch all of
    whose callers gave up is cancelled.
    """

    def __init__(
        self,
        load_one: LoadOne[V],
        load_many: LoadMany[V],
        *,
        min_batch: int = LIST_READ_MIN_IDS,
        max_batch: int = LIST_READ_MAX_IDS,
        window: float = 0.05,
    ) -> None:
        self._load_one = load_one
        self._load_many = load_many
        self.min_batch = min_batch
        self.max_batch = max_batch
        self.window = window
        self._waiting: dict[int, list[_Waiter[V]]] = {}
        self._timer: asyncio.Handle | None = None
        self._fetches: set[asyncio.Task[None]] = set()

    async def load(self, key: int, *, deadline: float | None = None) -> V:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V] = loop.create_future()
        self._waiting.setdefault(key, []).append(_Waiter(future, deadline))
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
        batch: dict[int, list[_Waiter[V]]] = {}
        while self._waiting and len(batch) < self.max_batch:
            key, waiters = next(iter(self._waiting.items()))
            del self._waiting[key]
            waiters = [waiter for waiter in waiters if not waiter.future.done()]
            if waiters:  # ids whose every caller gave up before the fetch are not fetched
                batch[key] = waiters
        if len(batch) >= self.min_batch:
            self._start(self._fetch_many(batch), batch)
        else:
            for key, waiters in batch.items():
                self._start(self._fetch_one(key, waiters), {key: waiters})
        if self._waiting:
            self._timer = asyncio.get_running_loop().call_later(self.window, self._send)

    def _start(self, fetch: Awaitable[None], batch: dict[int, list[_Waiter[V]]]) -> None:
        task = asyncio.ensure_future(fetch)
        self._fetches.add(task)
        task.add_done_callback(self._fetched)
        futures = [waiter.future for waiters in batch.values() for waiter in waiters]

        def gave_up(_: asyncio.Future[V]) -> None:
            if all(future.cancelled() for future in futures):
                task.cancel()

        for future in futures:
            future.add_done_callback(gave_up)

    def _fetched(self, fetch: asyncio.Task[None]) -> None:
        self._fetches.discard(fetch)
        if not self._fetches and self._waiting:
            self._send()  # nothing in flight any more: the waiting ids need not wait longer

    async def _fetch_many(self, batch: dict[int, list[_Waiter[V]]]) -> None:
        deadline = _latest(waiter for waiters in batch.values() for waiter in waiters)
        try:
            found = await self._load_many(list(batch), deadline=deadline)
        except PipedriveBadRequest as error:
            log.info("list read of %d ids refused (%s); reading them one by one", len(batch), error)
            found = {}
        except Exception as error:
            for waiters in batch.values():
                _fail(waiters, error)
            return
        for key, value in found.items():
            if key in batch:
                _resolve(batch[key], value)
        left = [key for key in batch if key not in found]
        await asyncio.gather(*(self._fetch_one(key, batch[key]) for key in left))

    async def _fetch_one(self, key: int, waiters: list[_Waiter[V]]) -> None:
        if all(waiter.future.done() for waiter in waiters):
            return
        try:
            value = await self._load_one(key, deadline=_latest(waiters))
        except Exception as error:
            _fail(waiters, error)
        else:
            _resolve(waiters, value)


def _latest(waiters: Iterable[_Waiter[V]]) -> float | None:
    """The most patient deadline: None (no deadline) if any caller has none."""
    latest = -math.inf
    for waiter in waiters:
        if waiter.deadline is None:
            return None
        latest = max(latest, waiter.deadline)
    return latest


def _resolve(waiters: list[_Waiter[V]], value: V) -> None:
    for waiter in waiters:
        if not waiter.future.done():
            waiter.future.set_result(value)


def _fail(waiters: list[_Waiter[V]], error: Exception) -> None:
    for waiter in waiters:
        if not waiter.future.done():
            waiter.future.set_exception(error)
