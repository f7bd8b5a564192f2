"""An in-process, size-bounded TTL cache that shares one load among concurrent callers."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AsyncTTLCache(Generic[K, V]):
    """`await cache.get(key, load)` returns a fresh cached value or runs `load` once.

    Callers asking for a key that is already loading wait for that same load (coalescing).
    The load runs in its own task, so a caller that gives up (its deadline passed) does not
    cancel it for the others. Failures are not cached. `ttl=0` keeps only the coalescing.
    """

    def __init__(
        self, *, ttl: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._loading: dict[K, asyncio.Task[V]] = {}

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
        task = self._loading.get(key)
        if task is None:
            task = asyncio.create_task(self._load(key, load))
            task.add_done_callback(_retrieve_exception)
            self._loading[key] = task
        return await asyncio.shield(task)

    def invalidate(self, key: K) -> None:
        self._entries.pop(key, None)

    async def _load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await load()
        finally:
            del self._loading[key]
        if self.ttl > 0:
            self._entries[key] = (self._clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def _retrieve_exception(task: asyncio.Task[object]) -> None:
    # Every waiter may have given up; mark the exception seen so asyncio does not warn.
    if not task.cancelled():
        task.exception()
