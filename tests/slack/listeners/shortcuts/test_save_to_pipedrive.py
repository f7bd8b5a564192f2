"""The "Save to Pipedrive" message shortcut in-process: the form with its draft and its person,
the picker's options, the note in Pipedrive."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blocks import NOTE_BLOCK, NOTE_INPUT, PERSON_BLOCK, PERSON_PICKER, SAVE_MESSAGE_FORM
from devkit import PipedriveStandIn, SlackStandIn
from devkit.slack_payloads import picked, text
from tests.slack.listeners.conftest import USER, Dispatch

NOTES = "/api/v1/notes"
AUTHOR = "W0AUTHOR01"
# Thu 15 Jan 2026 14:30:00 UTC: 09:30 in New York.
MESSAGE = {
    "user": AUTHOR,
    "ts": "1768487400.000200",
    "text": "Call <mailto:jane@acme.com|jane@acme.com> re &lt;renewal&gt; &amp; pricing, "
    "see <https://example.com/deck|the deck> <@W0OTHER01>",
}


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def answer(response: Any) -> dict[str, Any]:
    assert response.status == 200
    body: dict[str, Any] = json.loads(response.body)
    return body


async def shortcut_form(
    dispatch: Dispatch, slack: SlackStandIn, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    slack.time_zones[USER] = "America/New_York"
    slack.user_names.update({USER: "Jane Doe", AUTHOR: "Ann Archer"})
    response = await dispatch.shortcut(message or MESSAGE)
    assert (response.status, response.body) == (200, "")
    view = slack.last_view()
    assert view["callback_id"] == SAVE_MESSAGE_FORM
    return view


async def test_the_form_drafts_the_note_and_picks_the_one_person_with_the_messages_email(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await shortcut_form(dispatch, slack)
    found = inputs(view)
    assert found[NOTE_BLOCK]["initial_value"] == (
        "Ann Archer in Slack, Thu 15 Jan 2026 09:30 EST:\n"
        "Call jane@acme.com re <renewal> & pricing, see the deck (https://example.com/deck) "
        "@W0OTHER01\n"
        "https://demo.slack.com/archives/C0CHANNEL1/p1768487400000200"
    )
    assert found[PERSON_BLOCK]["initial_option"]["value"] == "201"
    assert found[PERSON_BLOCK]["min_query_length"] == 2
    (permalink,) = slack.calls_to("chat.getPermalink")
    assert permalink.body["channel"] == "C0CHANNEL1"
    assert permalink.body["message_ts"] == "1768487400.000200"
    (search,) = [seen for seen in pipedrive.requests if seen.path.endswith("/persons/search")]
    assert search.query["term"] == "jane@acme.com" and search.query["exact_match"] == "true"
    assert view["private_metadata"].startswith(".")  # no person, no channel, no message


@pytest.mark.parametrize(
    "message_text",
    ["no address here", "jane@acme.com and will.turner@acme.com", "nobody@nowhere.example"],
)
async def test_no_person_is_picked_unless_one_address_names_exactly_one(
    dispatch: Dispatch, slack: SlackStandIn, message_text: str
) -> None:
    view = await shortcut_form(dispatch, slack, {**MESSAGE, "text": message_text})
    assert "initial_option" not in inputs(view)[PERSON_BLOCK]


async def test_the_picker_offers_the_persons_a_term_names(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    view = await shortcut_form(dispatch, slack)
    response = await dispatch.suggest(view, "Smith", action_id=PERSON_PICKER, block_id=PERSON_BLOCK)
    options = answer(response)["options"]
    assert [(o["text"]["text"], o["value"]) for o in options] == [
        ("Will Smith · Org Name · 12345@email.com", "1"),
        ("Jane Smith · Org Name · jane@acme.com", "201"),
    ]


@pytest.mark.parametrize("typed", ["x", "a" * 300])
async def test_the_picker_searches_nothing_it_cannot_search_for(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn, typed: str
) -> None:
    view = await shortcut_form(dispatch, slack, {**MESSAGE, "text": "hi"})
    before = pipedrive.count()
    response = await dispatch.suggest(view, typed, action_id=PERSON_PICKER, block_id=PERSON_BLOCK)
    assert answer(response) == {"options": []}
    assert pipedrive.count() == before


async def test_the_picker_of_a_form_the_app_did_not_open_finds_no_one(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await shortcut_form(dispatch, slack, {**MESSAGE, "text": "hi"})
    before = pipedrive.count()
    forged = {**view, "private_metadata": "." + "b" * 32}
    response = await dispatch.suggest(
        forged, "Smith", action_id=PERSON_PICKER, block_id=PERSON_BLOCK
    )
    assert answer(response) == {"options": []}
    other = await dispatch.suggest(
        view, "Smith", action_id=PERSON_PICKER, block_id=PERSON_BLOCK, user="W0SOMEONE2"
    )
    assert answer(other) == {"options": []}
    assert pipedrive.count() == before


async def test_a_saved_message_becomes_a_note_on_the_person_picked(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await shortcut_form(dispatch, slack)
    edited = "From Ann:\n<b>call</b> back"
    values = {
        PERSON_BLOCK: {PERSON_PICKER: picked("202", kind="external_select")},
        NOTE_BLOCK: {NOTE_INPUT: text(edited)},
    }
    reply = answer(await dispatch.submit(view, values))
    (write,) = pipedrive.writes
    assert write.body == {
        "content": "From Ann:<br>&lt;b&gt;call&lt;/b&gt; back"
        "<br><br>— added from Slack by Jane Doe",
        "person_id": 202,
    }
    assert "Added a note to *Will Turner*" in json.dumps(reply["view"])


@pytest.mark.parametrize("value", [None, "abc", "-1", "0", "1 OR 1=1", "99999999999999999999"])
async def test_no_person_or_a_tampered_one_is_refused_in_the_form(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn, value: str | None
) -> None:
    view = await shortcut_form(dispatch, slack)
    values = {
        PERSON_BLOCK: {PERSON_PICKER: picked(value, kind="external_select")},
        NOTE_BLOCK: {NOTE_INPUT: text("")},
    }
    reply = answer(await dispatch.submit(view, values))
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {PERSON_BLOCK, NOTE_BLOCK}
    assert pipedrive.count(NOTES) == 0


async def test_a_picked_person_pipedrive_does_not_have_gets_no_note(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await shortcut_form(dispatch, slack)
    values = {
        PERSON_BLOCK: {PERSON_PICKER: picked("999", kind="external_select")},
        NOTE_BLOCK: {NOTE_INPUT: text("hello")},
    }
    reply = answer(await dispatch.submit(view, values))
    assert "no such person" in reply["errors"][NOTE_BLOCK]
    assert pipedrive.count(NOTES) == 0


async def test_a_message_from_an_app_is_drafted_with_the_apps_name(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    app_message = {
        "bot_id": "B0BOT",
        "username": "Deploy bot",
        "ts": "1768487400.000200",
        "text": "Done",
    }
    view = await shortcut_form(dispatch, slack, app_message)
    assert inputs(view)[NOTE_BLOCK]["initial_value"].startswith("Deploy bot in Slack, ")
    # Only the asker is looked up (access rules, then their name and time zone), not the app.
    assert {call.body["user"] for call in slack.calls_to("users.info")} == {USER}


async def test_a_message_slack_gives_no_link_for_is_drafted_without_one(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    slack.unknown_channels.add("C0CHANNEL1")
    view = await shortcut_form(dispatch, slack)
    assert "https://demo.slack.com" not in inputs(view)[NOTE_BLOCK]["initial_value"]
