"""The card's "Schedule follow-up" in-process: the form in the user's time zone, the activity
in Pipedrive in UTC, validation in the form, every failure."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from blocks import (
    DATE_BLOCK,
    DATE_INPUT,
    DURATION_BLOCK,
    DURATION_INPUT,
    FOLLOW_UP_FORM,
    SUBJECT_BLOCK,
    SUBJECT_INPUT,
    TIME_BLOCK,
    TIME_INPUT,
    TYPE_BLOCK,
    TYPE_INPUT,
)
from devkit import PipedriveStandIn, SlackStandIn
from devkit.pipedrive_writes import SCOPE_MISMATCH
from devkit.slack_payloads import clock, day, picked, text
from tests.slack.listeners.conftest import USER, Dispatch

ACTIVITIES = "/api/v2/activities"
NEW_YORK = "America/New_York"


def values(
    *,
    subject: str | None = "Follow up with Will Smith",
    kind: str | None = "call",
    on: str | None = None,
    at: str | None = None,
    minutes: str | None = None,
) -> dict[str, dict[str, Any]]:
    return {
        SUBJECT_BLOCK: {SUBJECT_INPUT: text(subject)},
        TYPE_BLOCK: {TYPE_INPUT: picked(kind)},
        DATE_BLOCK: {DATE_INPUT: day(on or next_winter_day().isoformat())},
        TIME_BLOCK: {TIME_INPUT: clock(at)},
        DURATION_BLOCK: {DURATION_INPUT: picked(minutes)},
    }


def next_winter_day() -> date:
    """A January day to come: New York is on EST (UTC-5) then."""
    return date(date.today().year + 1, 1, 14)


def answer(response: Any) -> dict[str, Any]:
    assert response.status == 200
    body: dict[str, Any] = json.loads(response.body)
    return body


async def opened_form(
    dispatch: Dispatch, slack: SlackStandIn, zone: str = NEW_YORK
) -> dict[str, Any]:
    slack.time_zones[USER] = zone
    await dispatch.click("schedule_follow_up", "1", "follow-up")
    view = slack.last_view()
    assert view["callback_id"] == FOLLOW_UP_FORM
    return view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def only_write(pipedrive: PipedriveStandIn) -> dict[str, Any]:
    (write,) = pipedrive.writes
    assert write.path == ACTIVITIES
    body: dict[str, Any] = write.body
    return body


async def test_the_form_offers_the_companys_types_and_the_next_working_day_in_the_users_zone(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: its date is often not UTC's
    view = await opened_form(dispatch, slack, zone)
    found = inputs(view)
    assert found[SUBJECT_BLOCK]["initial_value"] == "Follow up with Will Smith"
    assert [o["value"] for o in found[TYPE_BLOCK]["options"]] == ["deadline", "call", "meeting"]
    assert found[TYPE_BLOCK]["initial_option"]["value"] == "call"
    today = datetime.now(ZoneInfo(zone)).date()
    expected = today + timedelta(days={4: 3, 5: 2}.get(today.weekday(), 1))
    assert found[DATE_BLOCK]["initial_date"] == expected.isoformat()
    assert expected.weekday() < 5
    assert zone in json.dumps(view["blocks"])


async def test_nine_in_new_york_in_winter_is_fourteen_utc(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    winter = next_winter_day()
    reply = answer(
        await dispatch.submit(view, values(on=winter.isoformat(), at="09:00", minutes="30"))
    )
    assert only_write(pipedrive) == {
        "subject": "Follow up with Will Smith",
        "type": "call",
        "due_date": winter.isoformat(),
        "due_time": "14:00",
        "duration": "00:30",
        "participants": [{"person_id": 1, "primary": True}],
        "org_id": 1234,
    }
    assert reply["response_action"] == "update"
    said = json.dumps(reply["view"])
    assert "Scheduled *Follow up with Will Smith* (Call) with *Will Smith*" in said
    assert "https://acme.pipedrive.com/person/1" in said


async def test_an_evening_time_can_fall_on_the_next_utc_day(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack, "America/Los_Angeles")
    winter = next_winter_day()
    await dispatch.submit(view, values(on=winter.isoformat(), at="20:30"))
    body = only_write(pipedrive)
    assert (body["due_date"], body["due_time"]) == (
        (winter + timedelta(days=1)).isoformat(),
        "04:30",
    )


async def test_no_time_is_an_all_day_activity_on_the_day_as_chosen(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack, "Pacific/Kiritimati")
    winter = next_winter_day()
    reply = answer(await dispatch.submit(view, values(on=winter.isoformat(), kind="meeting")))
    body = only_write(pipedrive)
    assert body["due_date"] == winter.isoformat() and body["type"] == "meeting"
    assert "due_time" not in body and "duration" not in body
    assert winter.strftime("%a %d %b %Y") in json.dumps(reply["view"])


async def test_the_new_follow_up_becomes_the_next_activity_on_the_card(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    pipedrive.records["/api/v2/activities/128"]["data"]["done"] = True
    await dispatch.submit(view, values(subject="Send the offer"))
    await dispatch.command("1", "card-after")
    (card,) = slack.responses("card-after")
    assert "Send the offer" in json.dumps(card["blocks"])


def a_zone_past_one_am() -> str:
    """A zone where it is 01:00 or later today, so 00:00 today has passed there."""
    for hours in range(-12, 15):
        zone = f"Etc/GMT{-hours:+d}" if hours else "UTC"
        if datetime.now(ZoneInfo(zone)).hour >= 1:
            return zone
    raise AssertionError("it is before 01:00 everywhere")


@pytest.mark.parametrize(
    ("change", "block", "said"),
    [
        ({"subject": "  "}, SUBJECT_BLOCK, "Give the follow-up a subject."),
        ({"on": "2020-01-01"}, DATE_BLOCK, "That day has passed: pick today or a later day."),
        ({"on": "2026-02-30"}, DATE_BLOCK, "Pick a day."),
        ({"kind": "not-offered"}, TYPE_BLOCK, "Pick one of the choices offered."),
        ({"kind": None}, TYPE_BLOCK, "Pick one of the choices offered."),
        ({"minutes": "7"}, DURATION_BLOCK, "Pick one of the choices offered."),
        ({"at": "25:00"}, TIME_BLOCK, "Pick one of the choices offered."),
    ],
)
async def test_a_form_it_cannot_take_stays_open_with_the_problem_under_its_field(
    dispatch: Dispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    change: dict[str, str | None],
    block: str,
    said: str,
) -> None:
    view = await opened_form(dispatch, slack)
    reply = answer(await dispatch.submit(view, values(**change)))
    assert reply == {"response_action": "errors", "errors": {block: said}}
    assert pipedrive.count(ACTIVITIES) == 0


async def test_a_time_already_past_today_is_refused(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    zone = a_zone_past_one_am()
    view = await opened_form(dispatch, slack, zone)
    today = datetime.now(ZoneInfo(zone)).date().isoformat()
    reply = answer(await dispatch.submit(view, values(on=today, at="00:00")))
    assert reply["errors"] == {
        TIME_BLOCK: "That time has passed today: pick a later time, or none for all day."
    }
    assert pipedrive.count(ACTIVITIES) == 0


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (403, SCOPE_MISMATCH, "activities:full"),
        (429, {"success": False}, "Try again in 5 s"),
        (500, {"success": False}, "may or may not be saved"),
        (400, {"success": False, "error": "due_time: invalid"}, "refused this follow-up"),
    ],
)
async def test_pipedrive_refusing_the_follow_up_is_said_in_the_form(
    dispatch: Dispatch,
    slack: SlackStandIn,
    pipedrive: PipedriveStandIn,
    status: int,
    body: dict[str, Any],
    said: str,
) -> None:
    view = await opened_form(dispatch, slack)
    pipedrive.misbehave(ACTIVITIES, status=status, body=body, headers={"Retry-After": "5"})
    reply = answer(await dispatch.submit(view, values(at="09:00")))
    assert said in reply["errors"][SUBJECT_BLOCK]
    assert pipedrive.writes == []


async def test_a_double_submission_schedules_one_follow_up(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    await dispatch.submit(view, values())
    again = answer(await dispatch.submit(view, values()))
    assert "sent already" in again["errors"][SUBJECT_BLOCK]
    assert pipedrive.count(ACTIVITIES) == 1


async def test_activity_types_that_cannot_be_read_say_why_instead_of_a_form(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    pipedrive.misbehave("/api/v1/activityTypes", status=503, body={"success": False})
    await dispatch.click("schedule_follow_up", "1", "no-types")
    view = slack.last_view()
    assert "callback_id" not in view
    assert "unavailable" in json.dumps(view["blocks"])


async def test_a_follow_up_form_with_another_persons_id_is_refused(
    dispatch: Dispatch, slack: SlackStandIn, pipedrive: PipedriveStandIn
) -> None:
    view = await opened_form(dispatch, slack)
    forged = {**view, "private_metadata": "202." + view["private_metadata"].split(".")[1]}
    reply = answer(await dispatch.submit(forged, values()))
    assert reply["response_action"] == "update"
    assert pipedrive.count(ACTIVITIES) == 0
