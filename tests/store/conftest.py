"""Fixtures for the shared state tests: both backends, Redis only when TEST_REDIS_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.store.redis_state import RedisState
from bot.store.shared_state import InProcessState, SharedState


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0): no Redis to test")
    return url


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A key prefix no other test uses (other tests share the server); its keys go afterwards."""
    prefix = f"test-{uuid.uuid4().hex}:"
    probe = RedisState(redis_url, prefix=prefix)
    try:
        await probe.ping()
    except RedisError as error:
        pytest.fail(f"TEST_REDIS_URL is set but Redis does not answer: {error}")
    finally:
        await probe.aclose()
    client = Redis.from_url(redis_url)
    yield prefix
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_pair(
    redis_url: str, redis_prefix: str
) -> AsyncIterator[tuple[RedisState, RedisState]]:
    """Two `RedisState`s on one server and prefix: two processes of the app."""
    first = RedisState(redis_url, prefix=redis_prefix)
    second = RedisState(redis_url, prefix=redis_prefix)
    yield first, second
    await first.aclose()
    await second.aclose()


@pytest.fixture
async def in_process_pair() -> AsyncIterator[tuple[InProcessState, InProcessState]]:
    """One `InProcessState` twice: two callers in the one process that shares it."""
    state = InProcessState()
    yield state, state
    await state.aclose()


@pytest.fixture(params=["in_process", "redis"])
def states(request: pytest.FixtureRequest) -> tuple[SharedState, SharedState]:
    """Two callers of one shared state, for each backend."""
    pair: tuple[SharedState, SharedState] = request.getfixturevalue(
        f"{request.param.replace('-', '_')}_pair"
    )
    return pair
