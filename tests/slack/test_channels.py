"""ChannelDirectory against the Slack stand-in: which conversations are shared, asked once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.slack_response import SlackResponse

from bot.slack.channels import ChannelDirectory
from devkit import SlackStandIn
from tests.conftest import FakeClock


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn()
    await standin.start()
    standin.external_channels.add("CEXT")
    standin.unknown_channels.add("GGONE")
    yield standin
    await standin.stop()


class Asking:
    """A ChannelDirectory asked as the listeners ask it: with one workspace's client."""

    def __init__(self, client: Any, **options: Any) -> None:  # AsyncWebClient, or Answers
        self.directory = ChannelDirectory(**options)
        self.client = client

    async def is_external(self, channel: str) -> bool:
        return await self.directory.is_external(channel, slack=self.client, team_id="T1")


def directory(slack: SlackStandIn, **options: Any) -> Asking:
    return Asking(AsyncWebClient(token=slack.bot_token, base_url=slack.api_url), **options)


def lookups(slack: SlackStandIn) -> list[str]:
    return [str(call.body.get("channel")) for call in slack.calls_to("conversations.info")]


async def test_an_internal_channel_is_not_external(slack: SlackStandIn) -> None:
    assert await directory(slack).is_external("CINTERNAL") is False
    assert lookups(slack) == ["CINTERNAL"]


async def test_a_slack_connect_channel_is_external(slack: SlackStandIn) -> None:
    assert await directory(slack).is_external("CEXT") is True


async def test_a_channel_slack_will_not_describe_counts_as_external(slack: SlackStandIn) -> None:
    channels = directory(slack)
    assert await channels.is_external("GGONE") is True
    assert await channels.is_external("GGONE") is True
    assert lookups(slack) == ["GGONE"]  # channel_not_found is an answer: kept like the others


@pytest.mark.parametrize("channel", ["COMPOSER", "", "general", "c123", "X123ABC", "C1 OR 1"])
async def test_no_lookup_for_what_is_no_channel_id(slack: SlackStandIn, channel: str) -> None:
    assert await directory(slack).is_external(channel) is True
    assert lookups(slack) == []


async def test_one_lookup_per_channel_within_the_ttl(slack: SlackStandIn) -> None:
    clock = FakeClock()
    channels = directory(slack, ttl=600.0, clock=clock)
    for _ in range(3):
        assert await channels.is_external("CINTERNAL") is False
        assert await channels.is_external("CEXT") is True
    assert sorted(lookups(slack)) == ["CEXT", "CINTERNAL"]
    clock.now += 599
    await channels.is_external("CINTERNAL")
    assert len(lookups(slack)) == 2
    clock.now += 2  # past the ttl: Slack is asked again, a channel may have been shared since
    slack.external_channels.add("CINTERNAL")
    assert await channels.is_external("CINTERNAL") is True
    assert lookups(slack) == ["CINTERNAL", "CEXT", "CINTERNAL"]


async def test_concurrent_lookups_of_a_channel_share_one_request(slack: SlackStandIn) -> None:
    channels = directory(slack)
    found = await asyncio.gather(*(channels.is_external("CEXT") for _ in range(20)))
    assert found == [True] * 20
    assert lookups(slack) == ["CEXT"]


async def test_an_unreachable_slack_counts_as_external() -> None:
    with_nobody = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    assert await Asking(with_nobody).is_external("CINTERNAL") is True


async def test_a_slow_slack_counts_as_external_within_the_timeout() -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        await asyncio.Event().wait()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        client = AsyncWebClient(token="xoxb-x", base_url=f"http://127.0.0.1:{port}/api/")
        channels = Asking(client, timeout=0.2)
        assert await asyncio.wait_for(channels.is_external("CINTERNAL"), 5) is True
    finally:
        server.close()


class Answers:
    """An AsyncWebClient stand-in for conversations.info answers the stand-in does not give."""

    def __init__(self, channel: object, *, failures: list[Exception] | None = None) -> None:
        self.channel = channel
        self.failures = failures or []
        self.calls = 0

    async def conversations_info(self, *, channel: str) -> dict[str, object]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True, "channel": self.channel}


def slack_error(error: str, status: int) -> SlackApiError:
    data = {"ok": False, "error": error}
    response = SlackResponse(
        client=None,
        http_verb="GET",
        api_url="https://slack.com/api/conversations.info",
        req_args={},
        data=data,
        headers={},
        status_code=status,
    )
    return SlackApiError(error, response)


@pytest.mark.parametrize(
    "failure",
    [
        aiohttp.ClientConnectionError("connection reset"),
        slack_error("ratelimited", 429),
        slack_error("internal_error", 200),
        slack_error("service_unavailable", 503),
    ],
    ids=["network", "ratelimited", "internal_error", "service_unavailable"],
)
async def test_a_failed_lookup_counts_as_external_and_is_not_kept(failure: Exception) -> None:
    slack = Answers({"id": "C111", "is_ext_shared": False}, failures=[failure])
    channels = Asking(slack)
    assert await channels.is_external("C111") is True
    assert await channels.is_external("C111") is False
    assert await channels.is_external("C111") is False
    assert slack.calls == 2


@pytest.mark.parametrize(
    ("info", "external"),
    [
        ({"id": "C111", "is_ext_shared": False}, False),
        ({"id": "C111", "is_ext_shared": True}, True),
        ({"id": "C111", "is_ext_shared": False, "is_pending_ext_shared": True}, True),
        ({"id": "D111", "is_im": True}, True),  # no answer either way: shared, to be safe
        (None, True),
    ],
)
async def test_only_an_explicit_not_shared_is_internal(info: object, external: bool) -> None:
    channels = Asking(Answers(info))
    assert await channels.is_external("C111") is external


async def test_each_workspace_is_asked_with_its_own_client_and_kept_apart(
    slack: SlackStandIn,
) -> None:
    other = SlackStandIn(bot_token="xoxb-other-workspace")
    await other.start()
    try:
        other.external_channels.add("CINTERNAL")  # the same id, shared in the other workspace
        channels = ChannelDirectory()
        ours = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        theirs = AsyncWebClient(token=other.bot_token, base_url=other.api_url)
        for _ in range(2):
            assert await channels.is_external("CINTERNAL", slack=ours, team_id="T1") is False
            assert await channels.is_external("CINTERNAL", slack=theirs, team_id="T2") is True
        assert lookups(slack) == ["CINTERNAL"] and lookups(other) == ["CINTERNAL"]
    finally:
        await other.stop()
