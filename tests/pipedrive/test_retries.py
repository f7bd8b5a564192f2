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
from bot.pipedrive.pacing import MAX_HOLD_SECONDS, RequestPacer

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


def within(seconds: float) -> float:
    """A deadline `seconds` from now."""
    return asyncio.get_running_loop().time() + seconds


async def test_a_429_longer_than_the_answer_can_wait_is_reported_at_once(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get(PATH).mock(side_effect=[status(429, **{"Retry-After": "7"}), user_ok()])
    with pytest.raises(PipedriveRateLimited) as raised:
        await client.user(123, deadline=within(1.0))
    assert raised.value.retry_after == 7
    assert route.call_count == 1


async def test_x_daily_requests_left_0_is_a_burst_429_waited_out(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    # x-daily-requests-left counts POST/PUT requests; it says nothing about this GET's 429.
    burst = status(429, **{"Retry-After": "0.05", "x-daily-requests-left": "0"})
    route = api.get(PATH).mock(side_effect=[burst, user_ok()])
    assert (await client.user(123, deadline=within(5.0))).name == "Jane Doe"
    assert route.call_count == 2


async def test_after_a_429_no_request_starts_before_the_reset(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get(PATH).mock(side_effect=[status(429, **{"Retry-After": "30"})])
    other = api.get("/api/v1/users/7").mock(return_value=user_ok())
    with pytest.raises(PipedriveRateLimited):
        await client.user(123, deadline=within(1.0))
    # Another read in the same window is held back rather than sent into another 429.
    with pytest.raises(PipedriveRateLimited) as raised:
        await client.user(7, deadline=within(1.0))
    assert 29 < raised.value.retry_after <= 30
    assert other.call_count == 0


async def test_an_absurd_retry_after_holds_a_minute_at_most(
    api: respx.MockRouter, client: PipedriveClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(PATH).mock(return_value=status(429, **{"Retry-After": "1e12"}))
    with pytest.raises(PipedriveRateLimited) as raised:
        await client.user(123, deadline=within(1.0))
    assert raised.value.retry_after == MAX_HOLD_SECONDS
    with pytest.raises(PipedriveRateLimited) as held:
        await client.user(123, deadline=within(1.0))
    assert held.value.retry_after <= MAX_HOLD_SECONDS
    # Logged once: the hold kept the second read from drawing another 429.
    assert sum("1e12" in record.getMessage() for record in caplog.records) == 1


async def test_a_429_holds_only_its_own_token(api: respx.MockRouter) -> None:
    limited = api.get(PATH, headers={"x-api-token": "limited"}).mock(
        return_value=status(429, **{"Retry-After": "30"})
    )
    fine = api.get(PATH, headers={"x-api-token": "fine"}).mock(return_value=user_ok())
    pacer = RequestPacer()  # one pacer, as a process with several users' tokens will have
    async with (
        PipedriveClient(origin=ORIGIN, api_token=SecretStr("limited"), pacer=pacer) as first,
        PipedriveClient(origin=ORIGIN, api_token=SecretStr("fine"), pacer=pacer) as second,
    ):
        with pytest.raises(PipedriveRateLimited):
            await first.user(123, deadline=within(1.0))
        assert (await second.user(123, deadline=within(1.0))).name == "Jane Doe"
    assert (limited.call_count, fine.call_count) == (1, 1)


async def test_an_announced_limit_below_ours_is_followed(api: respx.MockRouter) -> None:
    announced = {"x-ratelimit-limit": "2", "x-ratelimit-remaining": "1", "x-ratelimit-reset": "2"}
    route = api.get(PATH).mock(
        return_value=httpx.Response(
            200, json=read_fixture("v1_GET_users_id_200.json"), headers=announced
        )
    )
    async with PipedriveClient(origin=ORIGIN, api_token=SecretStr("t"), burst_limit=20) as client:
        await client.user(123)
        await client.user(123)
        # The third in the window would be over Pipedrive's 2: it is not sent in time.
        with pytest.raises(PipedriveRateLimited):
            await client.user(123, deadline=within(1.0))
    assert route.call_count == 2


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
