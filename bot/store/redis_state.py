"""`SharedState` in Redis, so that N processes of the app share limits, holds, cache and locks."""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Awaitable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from limits.aio.storage import RedisStorage
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, LockError, TimeoutError

from bot.store.shared_state import BurstLimiter

log = logging.getLogger(__name__)

# Short, so that an outage is noticed (and served from the fallback) within a card's budget.
CONNECT_TIMEOUT_SECONDS = 1.0
COMMAND_TIMEOUT_SECONDS = 0.5
# How often a waiting lock asks Redis again.
LOCK_POLL_SECONDS = 0.05


class RedisState:
    """`SharedState` in the Redis at `url` (`redis://` or `rediss://`), every key under `prefix`.

    `verify_certificate=False` accepts a TLS certificate no authority signed (Heroku's Redis);
    `?ssl_cert_reqs=none` in the URL does the same. Holds need Redis 7.0 or later.
    """

    def __init__(self, url: str, *, prefix: str = "ppc:", verify_certificate: bool = True) -> None:
        self.prefix = prefix
        if not verify_certificate:
            url = _without_certificate_check(url)
        self._redis = Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            socket_timeout=COMMAND_TIMEOUT_SECONDS,
            # Once, at once: a pooled connection from before a Redis restart fails one time.
            retry=Retry(NoBackoff(), retries=1),
        )
        storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix=f"{prefix}limit",
            # Documented by limits (one pool, one set of timeouts); its options are typed narrower.
            connection_pool=self._redis.connection_pool,  # type: ignore[arg-type]
        )
        self._limiter = BurstLimiter(storage)

    async def ping(self) -> None:
        """Raises `redis.exceptions.RedisError` unless Redis answers."""
        # redis-py types each command for its sync and async clients at once.
        await cast("Awaitable[bool]", self._redis.ping())

    async def acquire(self, key: str, limit: int, window_seconds: int) -> float:
        return await self._limiter.acquire(key, limit, window_seconds)

    async def hold(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        name, milliseconds = self.prefix + "hold:" + key, _milliseconds(seconds)
        async with self._redis.pipeline(transaction=True) as pipe:
            # Create the hold if there is none, else only lengthen it (GT: Redis 7.0+).
            pipe.set(name, b"", px=milliseconds, nx=True)
            pipe.pexpire(name, milliseconds, gt=True)
            await pipe.execute()

    async def held_for(self, key: str) -> float:
        milliseconds: int = await self._redis.pttl(self.prefix + "hold:" + key)
        return max(milliseconds, 0) / 1000

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self._redis.get(self.prefix + "cache:" + key)
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            await self.delete(key)
            return
        await self._redis.set(self.prefix + "cache:" + key, value, px=_milliseconds(ttl_seconds))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self.prefix + "cache:" + key)

    async def claim(self, key: str, ttl_seconds: float) -> bool:
        if ttl_seconds <= 0:
            raise ValueError(f"a claim needs a positive ttl: {ttl_seconds}")
        name = self.prefix + "claim:" + key
        return bool(await self._redis.set(name, b"", px=_milliseconds(ttl_seconds), nx=True))

    def lock(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[None]:
        return self._hold_lock(
            self._redis.lock(
                self.prefix + "lock:" + key, timeout=timeout_seconds, sleep=LOCK_POLL_SECONDS
            )
        )

    async def aclose(self) -> None:
        await self._redis.aclose()

    @asynccontextmanager
    async def _hold_lock(self, lock: Lock) -> AsyncIterator[None]:
        await lock.acquire()
        try:
            yield
        finally:
            await _release(lock)


async def _release(lock: Lock) -> None:
    # Releasing is best effort: the timeout frees a lock that could not be released.
    try:
        await lock.release()
    except LockError:
        log.warning("lock %s outlived its timeout and was no longer held", lock.name)
    except (ConnectionError, TimeoutError) as error:
        log.warning("lock %s not released (%s); it frees after its timeout", lock.name, error)


def _without_certificate_check(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "rediss":
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "ssl_cert_reqs"]
    query.append(("ssl_cert_reqs", "none"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _milliseconds(seconds: float) -> int:
    return max(math.ceil(seconds * 1000), 1)
