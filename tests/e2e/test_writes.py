"""Acting from Slack through the real app process: a note and a follow-up from the `/person`
card, a message saved to a person with the "Save to Pipedrive" shortcut.

Clicks, the shortcut, submissions and the picker's searches are signed interaction payloads, as
Slack sends them; the forms are what the app sent to the Slack stand-in's `views.open` and
`views.update`; the writes are what the Pipedrive stand-in accepted.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from blocks import (
    DATE_BLOCK,
    DATE_INPUT,
    DURATION_BLOCK,
    DURATION_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    PERSON_BLOCK,
    PERSON_PICKER,
    SUBJECT_BLOCK,
    SUBJECT_INPUT,
    TIME_BLOCK,
    TIME_INPUT,
    TYPE_BLOCK,
    TYPE_INPUT,
)
from devkit.harness import PIPEDRIVE_TOKEN, SlackSender, StandIns, block_actions
from devkit.slack_payloads import clock, day, picked, text

USER = "W111"  # who clicks in `block_actions`


def open_form(slack: SlackSender, action_id: str, person: str = "1") -> dict[str, Any]:
    before = len(slack.slack.calls_to("views.update"))
    button = {"type": "button", "action_id": action_id, "value": person}
    response = slack.action(block_actions(slack, f"{action_id}-click", button))
    assert (response.status_code, response.text) == (200, "")
    return slack.filled_form(before)


def submitted(
    slack: SlackSender, view: dict[str, Any], values: dict[str, Any], user: str = USER
) -> dict[str, Any]:
    response = slack.submit(view, values, user=user)
    assert response.status_code == 200
    reply: dict[str, Any] = response.json()
    return reply


def test_a_note_from_the_card_lands_escaped_and_attributed(
    slack: SlackSender, standins: StandIns
) -> None:
    standins.slack.user_names[USER] = "Jane Doe"
    writes_before = len(standins.pipedrive.writes)
    view = open_form(slack, "add_note")
    assert view["callback_id"] == "add_note"
    typed = "Spoke to Will\n<script>alert(1)</script>"
    reply = submitted(slack, view, {NOTE_BLOCK: {NOTE_INPUT: text(typed)}})
    assert reply["response_action"] == "update"
    assert "Added a note to *Will Smith*" in json.dumps(reply["view"])
    (write,) = standins.pipedrive.writes[writes_before:]
    assert (write.path, write.credential) == ("/api/v1/notes", PIPEDRIVE_TOKEN)
    assert write.body == {
        "content": "Spoke to Will<br>&lt;script&gt;alert(1)&lt;/script&gt;"
        "<br><br>— added from Slack by Jane Doe",
        "person_id": 1,
        "org_id": 1234,
    }
    # Sent again (a double click): nothing more is written.
    again = submitted(slack, view, {NOTE_BLOCK: {NOTE_INPUT: text(typed)}})
    assert again["response_action"] == "errors"
    assert len(standins.pipedrive.writes) == writes_before + 1


def test_a_follow_up_from_the_card_is_sent_in_utc(slack: SlackSender, standins: StandIns) -> None:
    standins.slack.time_zones[USER] = "America/New_York"
    writes_before = len(standins.pipedrive.writes)
    view = open_form(slack, "schedule_follow_up")
    winter = date(date.today().year + 1, 1, 14)
    values = {
        SUBJECT_BLOCK: {SUBJECT_INPUT: text("Follow up with Will Smith")},
        TYPE_BLOCK: {TYPE_INPUT: picked("meeting")},
        DATE_BLOCK: {DATE_INPUT: day(winter.isoformat())},
        TIME_BLOCK: {TIME_INPUT: clock("09:00")},
        DURATION_BLOCK: {DURATION_INPUT: picked("60")},
    }
    reply = submitted(slack, view, values)
    assert reply["response_action"] == "update"
    (write,) = standins.pipedrive.writes[writes_before:]
    assert write.path == "/api/v2/activities"
    assert write.body == {
        "subject": "Follow up with Will Smith",
        "type": "meeting",
        "due_date": winter.isoformat(),
        "due_time": "14:00",
        "duration": "01:00",
        "participants": [{"person_id": 1, "primary": True}],
        "org_id": 1234,
    }


def test_a_message_saved_to_the_person_its_address_names(
    slack: SlackSender, standins: StandIns
) -> None:
    standins.slack.user_names.update({USER: "Jane Doe", "W0AUTHOR1": "Ann Archer"})
    writes_before = len(standins.pipedrive.writes)
    updates_before = len(standins.slack.calls_to("views.update"))
    message = {
        "user": "W0AUTHOR1",
        "ts": "1768487400.000200",
        "text": "Write to <mailto:jane@acme.com|jane@acme.com> about &lt;pricing&gt;",
    }
    response = slack.shortcut(message, user=USER, channel="C111")
    assert (response.status_code, response.text) == (200, "")
    view = slack.filled_form(updates_before)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[PERSON_BLOCK]["initial_option"]["value"] == "201"
    draft = inputs[NOTE_BLOCK]["initial_value"]
    assert draft.startswith("Ann Archer in Slack, ")
    assert "about <pricing>" in draft and "/archives/C111/p1768487400000200" in draft
    options = slack.suggest(
        view, "Turner", action_id=PERSON_PICKER, block_id=PERSON_BLOCK, user=USER
    ).json()["options"]
    assert [option["value"] for option in options] == ["202"]
    values = {
        PERSON_BLOCK: {PERSON_PICKER: picked("201", kind="external_select")},
        NOTE_BLOCK: {NOTE_INPUT: text(draft)},
    }
    reply = submitted(slack, view, values)
    assert "Added a note to *Jane Smith*" in json.dumps(reply["view"])
    (write,) = standins.pipedrive.writes[writes_before:]
    assert write.body["person_id"] == 201
    assert "about &lt;pricing&gt;" in write.body["content"]
