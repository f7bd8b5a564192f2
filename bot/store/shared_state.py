"""State every process of the app shares: burst limits, 429 holds, a cache, single-use keys, locks.

`SharedState` is the interface; `InProcessState` keeps it in this process (one process, or the
fallback while Redis is down), `bot.store.redis_state.RedisState` in Redis (N processes).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

# A refused slot always asks the caller to wait a little, so "ask again" never spins.
SOONEST_RETRY_SECONDS = 0.01


class SharedState(Protocol):
    """What the app keeps across requests, and across processes when there are several."""

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        """Take a slot of `limit` per rolling `window_seconds` for `key`: 0.0, or the seconds
        until one frees (none taken; wait that long and ask again)."""
        ...

    async def hold(self, key: str, seconds: float) -> None:
        """Hold `key` back for `seconds` from now (after a 429); never shortens a longer hold."""
        ...

    async def held_for(self, key: str) -> float:
        """Seconds left on `key`'s hold, 0.0 when there is none."""
        ...

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Keep `value` for `ttl_seconds` (a ttl of 0 or less keeps nothing: it deletes)."""
        ...

    async def delete(self, key: str) -> None: ...

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        """True for the first claim of `key` within `ttl_seconds`, False for every other."""
        ...

    def lock(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[None]:
        """Mutual exclusion on `key`; a holder that dies loses it after `timeout_seconds`."""
        ...

    async def aclose(self) -> None: ...


class BurstLimiter:
    """A rolling-window limit per key (limits' moving window), on any of limits' async storages."""

    def __init__(self, storage: Storage) -> None:
        self._limiter = MovingWindowRateLimiter(storage)

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        if limit < 1 or window_seconds < 1:
            raise ValueError(
                f"a limit needs limit >= 1 and window_seconds >= 1: {limit=}, {window_seconds=}"
            )
        item = RateLimitItemPerSecond(limit, window_seconds)
        # A slot may free between a refused hit and the stats: then the hit is tried again.
        for _ in range(3):
            if await self._limiter.hit(item, key):
                return 0.0
            stats = await self._limiter.get_window_stats(item, key)
            if stats.remaining <= 0:
                # limits stamps entries with the wall clock, so the wait is measured on it too.
                return max(stats.reset_time - time.time(), SOONEST_RETRY_SECONDS)
        return SOONEST_RETRY_SECONDS


class ExpiringEntries:
    """Values that expire, at most `max_entries` of them (the oldest written goes first)."""

    def __init__(self, *, max_entries: int, clock: Callable[[], float]) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return None
        return value

    def expires_in(self, key: str) -> float:
        entry = self._entries.get(key)
        return 0.0 if entry is None else max(entry[0] - self._clock(), 0.0)

    def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            self._entries.pop(key, None)
            return
        self._entries[key] = (self._clock() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)


class KeyedLocks:
    """An `asyncio.Lock` per key, kept only while someone holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class InProcessState:
    """`SharedState` in this process's memory: for one process, and as Redis's fallback.

    Nothing here is shared with another process, so it needs no key prefix. The cache, holds and
    claims each keep at most `max_entries` keys.
    """

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._storage = MemoryStorage()
        self._limiter = BurstLimiter(self._storage)
        self._cache = ExpiringEntries(max_entries=max_entries, clock=clock)
        self._holds = ExpiringEntries(max_entries=max_entries, clock=clock)
        self._claims = ExpiringEntries(max_entries=max_entries, clock=clock)
        self._locks = KeyedLocks()

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        return await self._limiter.acquire(key, limit, window_seconds)

    async def hold(self, key: str, seconds: float) -> None:
        if seconds > self._holds.expires_in(key):
            self._holds.put(key, b"", seconds)

    async def held_for(self, key: str) -> float:
        return self._holds.expires_in(key)

    async def get(self, key: str) -> bytes | None:
        return self._cache.get(key)

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._cache.put(key, value, ttl_seconds)

    async def delete(self, key: str) -> None:
        self._cache.pop(key)

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        if ttl_seconds <= 0:
            raise ValueError(f"a claim needs a positive ttl: {ttl_seconds}")
        if self._claims.get(key) is not None:
            return False
        self._claims.put(key, b"", ttl_seconds)
        return True

    def lock(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[None]:
        # The timeout is for holders that die; in one process the holder cannot outlive it.
        return self._locks.hold(key)

    async def aclose(self) -> None:
        # limits' memory storage expires entries in a background task; stop it with us.
        if self._storage.timer is not None:
            self._storage.timer.cancel()
