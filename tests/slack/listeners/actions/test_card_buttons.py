"""The card's and the pick list's buttons in-process: Show, Refresh, Share, Open."""

from __future__ import annotations

import json

import pytest

from devkit import PipedriveStandIn, SlackStandIn
from tests.slack.listeners.conftest import USER, Dispatch, MakeDispatch


async def test_show_replaces_the_pick_list_with_the_card(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    await dispatch.click("show_person", "1", "show")
    (answer,) = slack.responses("show")
    assert answer["replace_original"] is True
    assert answer["blocks"][0]["text"]["text"] == "Will Smith"


async def test_refresh_reads_again_and_says_when(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    before = pipedrive.count("/api/v2/persons/1")
    await dispatch.click("refresh_person", "1", "refresh")
    (answer,) = slack.responses("refresh")
    assert answer["replace_original"] is True
    assert "Fetched from Pipedrive" in json.dumps(answer["blocks"])
    assert pipedrive.count("/api/v2/persons/1") > before


async def test_share_posts_in_channel_then_deletes_the_private_card_with_only_that(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    await dispatch.click("share_person", "1", "share")
    shared, deleted = slack.responses("share")
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert f"Shared by <@{USER}>" in json.dumps(shared["blocks"])
    # Slack documents `delete_original` sent alone.
    assert deleted == {"delete_original": True}


@pytest.mark.parametrize("action_id", ["show_person", "refresh_person", "share_person"])
@pytest.mark.parametrize("value", ["abc", "-1", "0", "1 OR 1=1", "", ["1"]])
async def test_a_tampered_value_is_refused_without_asking_pipedrive(
    dispatch: Dispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    action_id: str,
    value: object,
) -> None:
    name = f"tampered-{action_id}"
    await dispatch.click(action_id, value, name)
    (answer,) = slack.responses(name)
    assert "doesn't name a person" in answer["text"]
    assert pipedrive.count() == 0


async def test_open_in_pipedrive_is_only_acked(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    response = await dispatch.click("open_in_pipedrive", "1", "open")
    assert response.status == 200
    assert slack.responses("open") == [] and pipedrive.count() == 0


async def test_the_connect_button_is_only_acked(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    response = await dispatch.click("connect_pipedrive", "connect", "connect")
    assert response.status == 200
    assert slack.responses("connect") == [] and pipedrive.count() == 0


@pytest.mark.parametrize(("setting", "detail"), [("compact", "compact"), ("full", "full")])
async def test_a_share_into_slack_connect_is_compact_unless_chosen(
    dispatch_with: MakeDispatch, slack: SlackStandIn, setting: str, detail: str
) -> None:
    slack.external_channels.add("C0CHANNEL1")
    dispatch = await dispatch_with(share_external=setting)
    await dispatch.click("share_person", "1", f"share-connect-{setting}")
    shared, _ = slack.responses(f"share-connect-{setting}")
    text = json.dumps(shared["blocks"])
    assert ("12345@email.com" in text) is (detail == "full")
    assert "Shared by" in text


async def test_a_share_into_an_internal_channel_is_the_whole_card(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    await dispatch.click("share_person", "1", "share-internal")
    shared, _ = slack.responses("share-internal")
    assert "12345@email.com" in json.dumps(shared["blocks"])
