"""An in-process, size-bounded TTL cache that shares one load among concurrent callers."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from bot.store.shared_state import SharedState

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

log = logging.getLogger(__name__)


class _Load(Generic[V]):
    """A load in flight, how many callers wait for it, and whether they all gave up on it."""

    task: asyncio.Task[V]

    def __init__(self) -> None:
        self.waiters = 0
        self.abandoned = False


class AsyncTTLCache(Generic[K, V]):
    """`await cache.get(key, load)` returns a fresh cached value or runs `load` once.

    Callers asking for a key that is already loading wait for that same load (coalescing).
    The load runs in its own task, so a caller that gives up (its deadline passed) does not
    cancel it for the others. A load every caller gave up on is abandoned: the next caller
    starts a load of its own rather than wait on it (it may hang on a body that never ends);
    it may still fill the cache, unless a newer load has begun. Failures are not cached.
    `ttl=0` keeps only the coalescing.
    """

    def __init__(
        self, *, ttl: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: dict[K, _Load[V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: K, load: Callable[[], Awaitable[V]], *, fresh: bool = False) -> V:
        """The cached value for `key`, loading it when missing or expired (or when `fresh`)."""
        if not fresh:
            entry = self._entries.get(key)
            if entry is not None:
                expires, value = entry
                if self._clock() < expires:
                    self._entries.move_to_end(key)
                    return value
                del self._entries[key]
        loading = self._loading.get(key)
        if loading is None:
            loading = _Load()
            loading.task = asyncio.create_task(self._load(key, load, loading))
            loading.task.add_done_callback(functools.partial(self._loaded, key, loading))
            self._loading[key] = loading
        loading.waiters += 1
        try:
            return await asyncio.shield(loading.task)
        finally:
            loading.waiters -= 1
            if loading.waiters == 0 and not loading.task.done():
                loading.abandoned = True
                self._loaded(key, loading)

    async def _load(self, key: K, load: Callable[[], Awaitable[V]], loading: _Load[V]) -> V:
        value = await load()
        newer = loading.abandoned and (key in self._loading or key in self._entries)
        if self.ttl > 0 and not newer:
            self._entries[key] = (self._clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def _loaded(self, key: K, loading: _Load[V], _: object = None) -> None:
        """The load is over, or abandoned: the next caller starts a new one."""
        if self._loading.get(key) is loading:
            del self._loading[key]
        if loading.task.done() and not loading.task.cancelled():
            loading.task.exception()  # seen, even when every waiter had given up


class SharedRecords(Generic[V]):
    """Records every process may share (company-wide ones), kept in the shared state as JSON.

    In front of an `AsyncTTLCache`'s load: a record another process read within `ttl` is taken
    from the shared state instead of from Pipedrive. Without Redis the shared state is this
    process's memory, which then only repeats the in-process cache.
    """

    def __init__(self, state: SharedState, scope: str, shape: TypeAdapter[V], *, ttl: float):
        self._state = state
        self._scope = scope
        self._shape = shape
        self.ttl = ttl

    async def get(self, key: str, load: Callable[[], Awaitable[V]], *, fresh: bool = False) -> V:
        name = f"{self._scope}:{key}"
        if not fresh:
            stored = await self._state.get(name)
            if stored is not None:
                try:
                    return self._shape.validate_json(stored)
                except ValidationError:
                    log.warning("shared record %s: unreadable, reading it again", name)
        value = await load()
        if self.ttl > 0:
            await self._state.set(name, self._shape.dump_json(value), self.ttl)
        return value
