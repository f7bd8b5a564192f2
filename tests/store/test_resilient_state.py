"""Redis goes away and comes back: the state answers throughout, and says so once each way."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store.redis_state import RedisState
from bot.store.resilient_state import ResilientState, state_from_url
from bot.store.shared_state import InProcessState

from .redis_server import RedisServer
from .waiting import eventually

WENT_AWAY = "Redis unreachable; using in-process state until it is back"
CAME_BACK = "Redis is back; using it again"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    redis = RedisServer(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def prefix() -> str:
    # The private server is this test's alone; a prefix still keeps the test honest about keys.
    return f"test-{uuid.uuid4().hex}:"


@pytest.fixture
async def resilient(server: RedisServer, prefix: str) -> AsyncIterator[ResilientState]:
    state = ResilientState(
        RedisState(server.url, prefix=prefix), InProcessState(), retry_seconds=0.05
    )
    yield state
    await state.aclose()


@pytest.fixture
async def observer(server: RedisServer, prefix: str) -> AsyncIterator[RedisState]:
    """Another process's view of the same Redis: what landed there."""
    state = RedisState(server.url, prefix=prefix)
    yield state
    await state.aclose()


def messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("bot.store") and record.levelno == level
    ]


async def test_cards_keep_working_through_an_outage_and_go_back_to_redis(
    server: RedisServer,
    resilient: ResilientState,
    observer: RedisState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    await resilient.set("before", b"in Redis", 60)
    assert await observer.get("before") == b"in Redis"
    assert not resilient.using_fallback

    server.stop()

    assert await resilient.acquire("token", 2, 60) == 0.0
    assert await resilient.acquire("token", 2, 60) == 0.0
    assert await resilient.acquire("token", 2, 60) > 0
    await resilient.hold("token", 30)
    assert await resilient.held_for("token") > 0
    await resilient.set("during", b"in memory", 60)
    assert await resilient.get("during") == b"in memory"
    assert await resilient.claim("event", 60) is True
    assert await resilient.claim("event", 60) is False
    async with asyncio.timeout(10), resilient.lock("refresh", 10):
        pass
    await resilient.delete("during")
    assert await resilient.get("during") is None
    assert resilient.using_fallback
    warnings = messages(caplog, logging.WARNING)
    assert len(warnings) == 1 and warnings[0].startswith(WENT_AWAY), warnings

    server.start()

    async def back_on_redis() -> bool:
        return not resilient.using_fallback

    await eventually(back_on_redis, what="the state to go back to Redis")
    await resilient.set("after", b"in Redis again", 60)
    assert await observer.get("after") == b"in Redis again"
    assert await resilient.acquire("after", 1, 60) == 0.0
    assert await observer.acquire("after", 1, 60) > 0, "the limit is in Redis again"
    assert messages(caplog, logging.INFO) == [CAME_BACK]
    assert len(messages(caplog, logging.WARNING)) == 1


async def test_a_redis_that_does_not_answer_times_out_to_the_fallback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    connections: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    silent = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    state = ResilientState(RedisState(f"redis://127.0.0.1:{port}/0"), InProcessState())
    try:
        await state.set("person", b"card", 60)
        assert await state.get("person") == b"card"
    finally:
        await state.aclose()
        for writer in connections:
            writer.close()
        silent.close()
        await silent.wait_closed()

    warnings = messages(caplog, logging.WARNING)
    assert len(warnings) == 1 and warnings[0].startswith(WENT_AWAY), warnings


async def test_a_lock_holder_finishes_when_redis_dies_under_it(
    server: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    state = RedisState(server.url, prefix=prefix)
    finished = False
    try:
        async with asyncio.timeout(10), state.lock("refresh", 10):
            server.stop()
            finished = True
    finally:
        await state.aclose()

    assert finished
    assert any("not released" in line for line in messages(caplog, logging.WARNING))


async def test_state_from_url() -> None:
    alone, empty = state_from_url(None), state_from_url("")
    shared = state_from_url("redis://127.0.0.1:6379/0", prefix="app-a:")
    try:
        assert isinstance(alone, InProcessState)
        assert isinstance(empty, InProcessState)
        assert isinstance(shared, ResilientState)
        assert shared.primary.prefix == "app-a:"
    finally:
        await alone.aclose()
        await empty.aclose()
        await shared.aclose()
