"""Retries, 429 waits and burst pacing: try again only where it can help and the answer can wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from pydantic import SecretStr

from bot.pipedrive import PipedriveClient, PipedriveRateLimited, PipedriveUnavailable
from bot.pipedrive.client import RetryPolicy
from bot.pipedrive.pacing import RequestPacer, deadline_at, time_left

from .clients import ORIGIN
from .examples import read_fixture

PATH = "/api/v1/users/123"
FAST = RetryPolicy(first_backoff=0.001, max_backoff=0.002)


def user_ok() -> httpx.Response:
    return httpx.Response(200, json=read_fixture("v1_GET_users_id_200.json"))


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, json={"success": False, "error": "x"}, headers=headers)


@pytest.fixture
async def client() -> AsyncIterator[PipedriveClient]:
    async with PipedriveClient(origin=ORIGIN, api_token=SecretStr("t"), retry=FAST) as pipedrive:
        yield pipedrive


@pytest.mark.parametrize("code", [502, 503, 504])
async def test_a_passing_gateway_error_is_retried(
    api: respx.MockRouter, client: PipedriveClient, code: int
) -> None:
    route = api.get(PATH).mock(side_effect=[status(code), user_ok()])
    assert (await client.user(123)).name == "Jane Doe"
    assert route.call_count == 2


async def test_a_failed_connection_is_retried(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get(PATH).mock(side_effect=[httpx.ConnectError("refused"), user_ok()])
    assert (await client.user(123)).name == "Jane Doe"
    assert route.call_count == 2


@pytest.mark.parametrize(
    "failure",
    [status(500), httpx.ReadTimeout("slow"), httpx.Response(200, text="<html>")],
    ids=["500", "read-timeout", "not-json"],
)
async def test_failures_that_would_fail_again_are_not_retried(
    api: respx.MockRouter, client: PipedriveClient, failure: object
) -> None:
    route = api.get(PATH).mock(side_effect=[failure, user_ok()])
    with pytest.raises(PipedriveUnavailable):
        await client.user(123)
    assert route.call_count == 1


async def test_retries_end_with_the_clear_error(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get(PATH).mock(return_value=status(503))
    with pytest.raises(PipedriveUnavailable, match="HTTP 503"):
        await client.user(123)
    assert route.call_count == FAST.attempts


async def test_a_429_is_waited_out_then_retried(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get(PATH).mock(side_effect=[status(429, **{"Retry-After": "0.05"}), user_ok()])
    assert (await client.user(123)).name == "Jane Doe"
    assert route.call_count == 2


async def test_a_429_longer_than_the_answer_can_wait_is_reported_at_once(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get(PATH).mock(side_effect=[status(429, **{"Retry-After": "7"}), user_ok()])
    with deadline_at(asyncio.get_running_loop().time() + 1.0):
        with pytest.raises(PipedriveRateLimited) as raised:
            await client.user(123)
    assert raised.value.retry_after == 7
    assert route.call_count == 1


async def test_a_spent_daily_budget_is_not_retried(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    spent = status(429, **{"Retry-After": "0.01", "x-daily-requests-left": "0"})
    route = api.get(PATH).mock(side_effect=[spent, user_ok()])
    with pytest.raises(PipedriveRateLimited) as raised:
        await client.user(123)
    assert raised.value.daily_budget_spent
    assert route.call_count == 1


async def test_after_a_429_no_request_starts_before_the_reset(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get(PATH).mock(side_effect=[status(429, **{"Retry-After": "30"})])
    other = api.get("/api/v1/users/7").mock(return_value=user_ok())
    with deadline_at(asyncio.get_running_loop().time() + 1.0):
        with pytest.raises(PipedriveRateLimited):
            await client.user(123)
        # Another read in the same window is held back rather than sent into another 429.
        with pytest.raises(PipedriveRateLimited):
            await client.user(7)
    assert other.call_count == 0


async def test_the_pacer_lets_a_burst_through_in_order() -> None:
    pacer = RequestPacer(limit=2, window=0.05)
    started: list[int] = []

    async def request(number: int) -> None:
        await pacer.wait_turn()
        started.append(number)

    await asyncio.gather(*(request(n) for n in range(7)))
    assert started == list(range(7))


async def test_the_pacer_refuses_a_wait_past_the_deadline() -> None:
    pacer = RequestPacer(limit=1, window=10.0)
    with deadline_at(asyncio.get_running_loop().time() + 0.5):
        await pacer.wait_turn()  # the first start is free
        with pytest.raises(PipedriveRateLimited) as raised:
            await pacer.wait_turn()
    assert 9 < raised.value.retry_after <= 10


async def test_deadlines_nest_to_the_earlier_and_follow_tasks() -> None:
    loop = asyncio.get_running_loop()
    assert time_left() is None
    with deadline_at(loop.time() + 5):
        with deadline_at(loop.time() + 50):
            left = time_left()
            assert left is not None and left <= 5
        seen_in_task = await asyncio.create_task(_left())
        assert seen_in_task is not None and seen_in_task <= 5
    assert time_left() is None


async def _left() -> float | None:
    return time_left()


async def test_a_read_that_may_not_queue_is_refused_when_the_window_is_full() -> None:
    pacer = RequestPacer(limit=1, window=10.0)
    await pacer.wait_turn()
    with pytest.raises(PipedriveRateLimited):
        await pacer.wait_turn(queue=False)
    # ... and it did not take a start: the next queued read is not pushed further back.
    with deadline_at(asyncio.get_running_loop().time() + 0.5):
        with pytest.raises(PipedriveRateLimited) as raised:
            await pacer.wait_turn()
    assert raised.value.retry_after <= 10


async def test_pictures_are_best_effort_they_never_wait_for_a_turn(
    api: respx.MockRouter,
) -> None:
    picture = api.get("/api/v2/persons/1/picture").mock(
        return_value=httpx.Response(200, json=read_fixture("v2_GET_persons_id_picture_200.json"))
    )
    api.get(PATH).mock(return_value=user_ok())
    async with PipedriveClient(
        origin=ORIGIN, api_token=SecretStr("t"), retry=FAST, burst_limit=1
    ) as client:
        await client.user(123)  # takes the only start in this window
        with pytest.raises(PipedriveRateLimited):
            await client.person_picture(1)
    assert picture.call_count == 0


async def test_a_failed_picture_read_is_not_retried(api: respx.MockRouter) -> None:
    picture = api.get("/api/v2/persons/1/picture").mock(return_value=status(503))
    async with PipedriveClient(origin=ORIGIN, api_token=SecretStr("t"), retry=FAST) as client:
        with pytest.raises(PipedriveUnavailable):
            await client.person_picture(1)
    assert picture.call_count == 1
