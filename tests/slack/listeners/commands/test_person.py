"""`/person` in-process: the ack, then the answer through response_url, one log line."""

from __future__ import annotations

import json
import logging

import pytest

from devkit import PipedriveStandIn, SlackStandIn
from tests.slack.listeners.conftest import USER, Dispatch


async def test_an_id_is_acked_empty_then_answered_with_the_card(
    dispatch: Dispatch, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    response = await dispatch.command("1", "by-id")
    assert (response.status, response.body) == (200, "")
    (answer,) = slack.responses("by-id")
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0]["text"]["text"] == "Will Smith"
    actions = [
        e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [
        "open_in_pipedrive",
        "share_person",
        "refresh_person",
        "add_note",
        "schedule_follow_up",
    ]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.requests"]
    assert line.startswith("kind=command name=/person outcome=card ")
    assert f"user={USER}" in line and "person_id=1" in line


async def test_help_is_answered_in_the_ack_without_asking_pipedrive(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    response = await dispatch.command("help", "help")
    body = json.loads(response.body)
    assert body["response_type"] == "ephemeral"
    assert "/person 123" in json.dumps(body["blocks"])
    assert slack.responses("help") == [] and pipedrive.count() == 0


async def test_a_search_with_several_matches_answers_a_pick_list(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    await dispatch.command("Smith", "search")
    (answer,) = slack.responses("search")
    buttons = [b["accessory"]["value"] for b in answer["blocks"] if "accessory" in b]
    assert len(buttons) >= 2 and all(value.isdigit() for value in buttons)


async def test_a_person_pipedrive_does_not_know_is_not_found(
    dispatch: Dispatch, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    await dispatch.command("999", "missing")
    (answer,) = slack.responses("missing")
    assert "couldn't find person 999" in answer["text"]
    assert any("outcome=not_found" in r.getMessage() for r in caplog.records)
