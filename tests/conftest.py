"""Shared test helpers: a clock that moves only when a test says so, and a note on skipped tests."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.store.redis_state import RedisState
from bot.store.shared_state import InProcessState, SharedState

# Tests against real servers skip, naming the variable, when it is unset (and fail when it is
# set but the server cannot be reached). How to set them, as .ci/run does:
SERVER_VARIABLES = {
    "TEST_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "TEST_REDIS_URL": "redis://127.0.0.1:6379/0",
}


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def server_skips_line(reasons: Iterable[str]) -> str | None:
    """One line on tests skipped for want of a server variable, or None if there were none."""
    skipped = 0
    by_variable: Counter[str] = Counter()
    for reason in reasons:
        named = [variable for variable in SERVER_VARIABLES if variable in reason]
        skipped += bool(named)
        by_variable.update(named)
    if not skipped:
        return None
    counts = ", ".join(f"{variable} ({count})" for variable, count in sorted(by_variable.items()))
    settings = " ".join(
        f"{variable}={SERVER_VARIABLES[variable]}" for variable in sorted(by_variable)
    )
    tests = "test" if skipped == 1 else "tests"
    enable = f"run them with {settings} (as .ci/run does)"
    return f"{skipped} {tests} skipped for want of {counts}: {enable}"


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after the short summary, near the end
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    yield
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reasons.append(longrepr[2] if isinstance(longrepr, tuple) else str(longrepr))
    line = server_skips_line(reasons)
    if line is not None:
        terminalreporter.write_line(line, yellow=True)


# --- Shared state ----------------------------------------------------------------------------


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
