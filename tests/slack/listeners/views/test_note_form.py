"""The card's "Add note" in-process: the form, the note in Pipedrive, the answer in the form."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from blocks import NOTE_BLOCK, NOTE_FORM, NOTE_INPUT
from devkit import PipedriveStandIn, SlackStandIn
from devkit.pipedrive_writes import SCOPE_MISMATCH
from devkit.slack_payloads import text
from tests.slack.listeners.conftest import USER, Dispatch

NOTES = "/api/v1/notes"


def note(value: str | None) -> dict[str, dict[str, Any]]:
    return {NOTE_BLOCK: {NOTE_INPUT: text(value)}}


def answer(response: Any) -> dict[str, Any]:
    assert response.status == 200
    body: dict[str, Any] = json.loads(response.body)
    return body


async def opened_form(dispatch: Dispatch, slack: SlackStandIn, person: str = "1") -> dict[str, Any]:
    slack.user_names[USER] = "Jane Doe"
    response = await dispatch.click("add_note", person, "add-note")
    assert (response.status, response.body) == (200, "")
    return slack.last_view()


async def test_the_button_opens_the_form_at_once_then_fills_it_in(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    (opened,) = slack.calls_to("views.open")
    assert opened.body["trigger_id"] == "111.222.abc"
    assert "Reading Pipedrive" in json.dumps(opened.body["view"])
    (updated,) = slack.calls_to("views.update")
    assert updated.body["view_id"] == view["id"]
    assert view["callback_id"] == NOTE_FORM
    assert "Note on *Will Smith*" in json.dumps(view["blocks"])
    assert "added from Slack by Jane Doe" in json.dumps(view["blocks"])
    # Only the person id and a nonce: no contact data, no channel, no response_url.
    person_id, nonce = view["private_metadata"].split(".")
    assert person_id == "1" and len(nonce) >= 22


async def test_a_submitted_note_lands_on_the_person_escaped_and_attributed(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    typed = "Met Will.\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>"
    reply = answer(await dispatch.submit(view, note(typed)))
    (write,) = pipedrive.writes
    assert (write.path, write.credential) == (NOTES, pipedrive.token)
    assert write.body == {
        "content": "Met Will.<br>&lt;script&gt;alert(1)&lt;/script&gt;<br>"
        "&lt;img src=x onerror=alert(2)&gt;<br><br>— added from Slack by Jane Doe",
        "person_id": 1,
        "org_id": 1234,
    }
    assert reply["response_action"] == "update"
    said = json.dumps(reply["view"])
    assert "Added a note to *Will Smith*" in said
    assert "https://acme.pipedrive.com/person/1" in said


async def test_a_double_submission_writes_one_note(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    first = answer(await dispatch.submit(view, note("Once")))
    second = answer(await dispatch.submit(view, note("Once")))
    assert first["response_action"] == "update"
    assert second == {
        "response_action": "errors",
        "errors": {NOTE_BLOCK: "This note was sent already, and is saved only once."},
    }
    assert len(pipedrive.writes) == 1 and pipedrive.count(NOTES) == 1


@pytest.mark.parametrize("typed", [None, "", "   \n\t "])
async def test_an_empty_note_is_refused_in_the_form(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn, typed: str | None
) -> None:
    view = await opened_form(dispatch, slack)
    reply = answer(await dispatch.submit(view, note(typed)))
    assert reply == {"response_action": "errors", "errors": {NOTE_BLOCK: "Write the note first."}}
    assert pipedrive.count(NOTES) == 0


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (403, SCOPE_MISMATCH, "contacts:full"),
        (403, {"success": False, "error": "You do not have permissions"}, "won't let"),
        (429, {"success": False, "error": "Too many requests"}, "Try again in 30 s"),
        (401, {"success": False, "error": "unauthorized access"}, "rejected the credentials"),
        (400, {"success": False, "error": "Bad"}, "refused this note as invalid"),
        (500, {"success": False, "error": "Internal"}, "may or may not be saved"),
    ],
)
async def test_pipedrive_refusing_the_note_is_said_in_the_form_with_the_text_kept(
    dispatch: Dispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    status: int,
    body: dict[str, Any],
    said: str,
) -> None:
    view = await opened_form(dispatch, slack)
    pipedrive.misbehave(NOTES, status=status, body=body, headers={"Retry-After": "30"})
    reply = answer(await dispatch.submit(view, note("Hello")))
    assert reply["response_action"] == "errors"
    assert said in reply["errors"][NOTE_BLOCK]
    assert pipedrive.writes == []


async def test_after_an_outright_refusal_the_form_can_be_sent_again(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    # Pipedrive says the next request may come at once, so the second try is not held back.
    pipedrive.misbehave(
        NOTES, status=429, body={"success": False}, headers={"Retry-After": "0"}, times=1
    )
    assert answer(await dispatch.submit(view, note("Hi")))["response_action"] == "errors"
    assert answer(await dispatch.submit(view, note("Hi")))["response_action"] == "update"
    assert len(pipedrive.writes) == 1


async def test_after_a_write_that_may_have_landed_the_form_is_not_sent_again(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    pipedrive.misbehave(NOTES, status=500, body={"success": False}, times=1)
    assert "may or may not" in answer(await dispatch.submit(view, note("Hi")))["errors"][NOTE_BLOCK]
    again = answer(await dispatch.submit(view, note("Hi")))
    assert "sent already" in again["errors"][NOTE_BLOCK]
    assert pipedrive.count(NOTES) == 1


def tampered(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**view, **changes}


@pytest.mark.parametrize(
    "change",
    [
        {"private_metadata": "2.{nonce}"},  # another person
        {"private_metadata": "1.{nonce}x"},  # another nonce
        {"private_metadata": "1 OR 1=1.{nonce}"},
        {"private_metadata": "<!channel>"},
        {"private_metadata": ""},
        {"private_metadata": "{nonce}"},
        {"callback_id": "save_to_pipedrive"},  # the session is the note form's
    ],
)
async def test_a_tampered_form_is_refused_without_writing(
    dispatch: Dispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    change: dict[str, str],
) -> None:
    view = await opened_form(dispatch, slack)
    nonce = view["private_metadata"].split(".")[1]
    forged = tampered(view, **{key: value.format(nonce=nonce) for key, value in change.items()})
    reply = answer(await dispatch.submit(forged, note("Hi")))
    assert reply["response_action"] == "update"
    assert "I didn't open it for you" in json.dumps(reply["view"])
    assert pipedrive.count(NOTES) == 0


async def test_a_form_opened_for_someone_else_is_refused(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    reply = answer(await dispatch.submit(view, note("Hi"), user="W0SOMEONE2"))
    assert "I didn't open it for you" in json.dumps(reply["view"])
    assert pipedrive.count(NOTES) == 0


async def test_a_view_the_app_never_opened_is_refused(
    dispatch: Dispatch, pipedrive: PipedriveStandIn
) -> None:
    forged = {
        "id": "V0FORGED01",
        "type": "modal",
        "callback_id": NOTE_FORM,
        "private_metadata": "1." + "a" * 32,
        "title": {"type": "plain_text", "text": "Add a note"},
        "blocks": [],
    }
    reply = answer(await dispatch.submit(forged, note("Hi")))
    assert reply["response_action"] == "update"
    assert pipedrive.count(NOTES) == 0


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1 OR 1=1", "", ["1"]])
async def test_a_tampered_button_opens_no_form(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn, value: object
) -> None:
    await dispatch.click("add_note", value, "tampered-note")
    (said,) = slack.responses("tampered-note")
    assert "doesn't name a person" in said["text"]
    assert slack.calls_to("views.open") == [] and pipedrive.count() == 0


async def test_a_person_that_cannot_be_read_gets_no_form(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack, person="999")
    assert "callback_id" not in view
    assert "couldn't find person 999" in json.dumps(view["blocks"])


async def test_an_expired_trigger_opens_nothing_and_reads_nothing(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    slack.expired_triggers.add("111.222.abc")
    await dispatch.click("add_note", "1", "late")
    assert slack.calls_to("views.update") == [] and pipedrive.count() == 0


async def test_each_step_is_one_log_line_without_the_note(
    dispatch: Dispatch, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    view = await opened_form(dispatch, slack)
    await dispatch.submit(view, note("Secret plans for Will"))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.requests"]
    assert lines[0].startswith("kind=action name=add_note outcome=form_opened ")
    assert lines[1].startswith("kind=view name=add_note outcome=note_added ")
    assert all("person_id=1" in line for line in lines)
    assert all(f"user={USER}" in line for line in lines)
    assert "Secret plans" not in caplog.text
