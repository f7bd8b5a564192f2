"""Who may use the app, in-process: guests with one shared token, and ALLOWED_USERGROUP."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.access import Access, Refusal
from devkit import PipedriveStandIn, SlackStandIn
from tests.slack.listeners.conftest import USER, MakeDispatch


def link_shared(url: str) -> dict[str, Any]:
    return {
        "type": "link_shared",
        "channel": "C0CHANNEL1",
        "user": USER,
        "message_ts": "1700000000.000100",
        "links": [{"domain": "pipedrive.com", "url": url}],
    }


async def test_a_guest_is_refused_with_one_shared_token_and_nothing_is_read(
    dispatch_with: MakeDispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    slack.guests.add(USER)
    dispatch = await dispatch_with()
    response = await dispatch.command("1", "guest-command")
    answer = json.loads(response.body)
    assert answer["response_type"] == "ephemeral" and "Guests can't" in answer["text"]
    await dispatch.click("refresh_person", "1", "guest-click")
    (clicked,) = slack.responses("guest-click")
    assert "Guests can't" in clicked["text"]
    await dispatch.event(link_shared("https://acme.pipedrive.com/person/1"), event_id="EvGUEST1")
    assert slack.calls_to("chat.unfurl") == [] and pipedrive.count() == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.requests"]
    assert len(lines) == 3 and all("outcome=guest_refused" in line for line in lines)
    assert all(f"user={USER}" in line for line in lines)


async def test_allow_guests_lets_them_in(dispatch_with: MakeDispatch, slack: SlackStandIn) -> None:
    slack.guests.add(USER)
    dispatch = await dispatch_with(allow_guests=True)
    await dispatch.command("1", "guest-allowed")
    (answer,) = slack.responses("guest-allowed")
    assert answer["blocks"][0]["type"] == "header"


async def test_a_member_is_not_asked_twice_within_ten_minutes(
    dispatch_with: MakeDispatch, slack: SlackStandIn
) -> None:
    dispatch = await dispatch_with()
    await dispatch.command("1", "member-1")
    await dispatch.command("1", "member-2")
    assert len(slack.calls_to("users.info")) == 1
    assert len(slack.responses("member-1")) == len(slack.responses("member-2")) == 1


async def test_the_user_group_keeps_everyone_else_out(
    dispatch_with: MakeDispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    slack.usergroups["S0SALES001"] = ["W0OTHER01"]
    dispatch = await dispatch_with(allowed_usergroup="S0SALES001")
    answer = json.loads((await dispatch.command("1", "outsider")).body)
    assert "user group you are not in" in answer["text"]
    assert pipedrive.count() == 0
    slack.usergroups["S0SALES001"] = [USER]
    member = await dispatch_with(allowed_usergroup="S0SALES001")
    await member.command("1", "insider")
    assert slack.responses("insider")[0]["blocks"][0]["type"] == "header"


async def test_a_user_slack_will_not_describe_is_refused(
    dispatch_with: MakeDispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    dispatch = await dispatch_with(allowed_usergroup="S0MISSING1")  # no such group
    answer = json.loads((await dispatch.command("1", "unverified")).body)
    assert "couldn't check with Slack" in answer["text"]
    assert pipedrive.count() == 0


async def test_a_user_is_looked_up_in_the_workspace_that_asks_and_kept_there() -> None:
    # The same user id in two workspaces: a guest in one, a member in the other.
    first, second = SlackStandIn(bot_token="xoxb-first"), SlackStandIn(bot_token="xoxb-second")
    await first.start()
    await second.start()
    try:
        second.guests.add(USER)
        access = Access(refuse_guests=True, usergroup=None)
        ours = AsyncWebClient(token=first.bot_token, base_url=first.api_url)
        theirs = AsyncWebClient(token=second.bot_token, base_url=second.api_url)
        for _ in range(2):
            assert await access.refusal(USER, slack=ours, team_id="T1") is None
            assert await access.refusal(USER, slack=theirs, team_id="T2") is Refusal.GUEST
        assert len(first.calls_to("users.info")) == len(second.calls_to("users.info")) == 1
    finally:
        await first.stop()
        await second.stop()
