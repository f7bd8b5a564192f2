"""The Home tab in-process: published for the viewer with the settings in effect."""

from __future__ import annotations

import json

from devkit import SlackStandIn
from tests.slack.listeners.conftest import USER, Dispatch, MakeDispatch


async def test_the_home_tab_says_how_to_use_it_and_what_the_settings_are(
    dispatch_with: MakeDispatch, slack: SlackStandIn
) -> None:
    dispatch: Dispatch = await dispatch_with(
        unfurl_detail="full", share_external="full", allowed_usergroup="S0SALES001"
    )
    slack.usergroups["S0SALES001"] = [USER]
    event = {"type": "app_home_opened", "user": USER, "tab": "home", "channel": "D0HOME001"}
    await dispatch.event(event, event_id="EvHOME001")
    (call,) = slack.calls_to("views.publish")
    assert call.body["user_id"] == USER
    text = json.dumps(call.body["view"])
    assert "acme.pipedrive.com" in text and "/person 123" in text
    assert "show the whole card" in text  # UNFURL_DETAIL=full
    assert "one Slack user group" in text
    assert "one shared account" in text and "Guests may not" in text


async def test_the_messages_tab_publishes_nothing(dispatch: Dispatch, slack: SlackStandIn) -> None:
    event = {"type": "app_home_opened", "user": USER, "tab": "messages", "channel": "D0HOME001"}
    await dispatch.event(event, event_id="EvHOME002")
    assert slack.calls_to("views.publish") == []
