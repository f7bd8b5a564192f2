"""Redis while it answers, this process's memory while it does not: cards never stop for Redis."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import TypeVar

from redis.exceptions import RedisError

from bot.store.redis_state import RedisState
from bot.store.shared_state import InProcessState, SharedState

log = logging.getLogger(__name__)

T = TypeVar("T")

# How often Redis is asked again while it is down.
RETRY_SECONDS = 5.0


class ResilientState:
    """`SharedState` in `primary` (Redis); in `fallback` from its first failure until it is back.

    Any Redis error (refused, timed out, out of memory, ...) switches to the fallback with one
    warning; a background ping every `retry_seconds` finds Redis back, with one info line. What
    the fallback kept meanwhile is this process's alone (limits, holds, claims and locks are per
    process then) and is not copied back.
    """

    def __init__(
        self,
        primary: RedisState,
        fallback: InProcessState,
        *,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_seconds = retry_seconds
        self._reconnecting: asyncio.Task[None] | None = None

    @property
    def using_fallback(self) -> bool:
        return self._reconnecting is not None and not self._reconnecting.done()

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        return await self._serve(lambda state: state.acquire(key, limit, window_seconds))

    async def hold(self, key: str, seconds: float) -> None:
        await self._serve(lambda state: state.hold(key, seconds))

    async def held_for(self, key: str) -> float:
        return await self._serve(lambda state: state.held_for(key))

    async def get(self, key: str) -> bytes | None:
        return await self._serve(lambda state: state.get(key))

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._serve(lambda state: state.set(key, value, ttl_seconds))

    async def delete(self, key: str) -> None:
        await self._serve(lambda state: state.delete(key))

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        return await self._serve(lambda state: state.claim(key, ttl_seconds))

    def lock(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[None]:
        return self._lock(key, timeout_seconds)

    async def aclose(self) -> None:
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        await self.primary.aclose()
        await self.fallback.aclose()

    @asynccontextmanager
    async def _lock(self, key: str, timeout_seconds: float) -> AsyncIterator[None]:
        async with AsyncExitStack() as held:
            if not await self._enter_primary_lock(held, key, timeout_seconds):
                await held.enter_async_context(self.fallback.lock(key, timeout_seconds))
            yield

    async def _enter_primary_lock(
        self, held: AsyncExitStack, key: str, timeout_seconds: float
    ) -> bool:
        if self.using_fallback:
            return False
        try:
            await held.enter_async_context(self.primary.lock(key, timeout_seconds))
        except RedisError as error:
            self._primary_failed(error)
            return False
        return True

    async def _serve(self, operation: Callable[[SharedState], Awaitable[T]]) -> T:
        if not self.using_fallback:
            try:
                return await operation(self.primary)
            except RedisError as error:
                self._primary_failed(error)
        return await operation(self.fallback)

    def _primary_failed(self, error: RedisError) -> None:
        if self.using_fallback:
            return
        log.warning("Redis unreachable; using in-process state until it is back (%s)", error)
        self._reconnecting = asyncio.create_task(self._wait_for_primary())

    async def _wait_for_primary(self) -> None:
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                await self.primary.ping()
            except RedisError:
                continue
            log.info("Redis is back; using it again")
            return


def state_from_url(
    url: str | None, *, prefix: str = "ppc:", verify_certificate: bool = True
) -> SharedState:
    """In-process state without a URL (None or empty); else Redis, falling back to this process."""
    if not url:
        return InProcessState()
    return ResilientState(
        RedisState(url, prefix=prefix, verify_certificate=verify_certificate), InProcessState()
    )
