"""What a submitted form says, parsed strictly, or what is wrong with it by block id, worded for
the form itself (`response_action: "errors"`). Every value comes back from Slack's client, so
choices must be ones the form offered and ids must be ids."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from blocks import (
    CHOICE_UNKNOWN,
    DATE_BLOCK,
    DATE_INPUT,
    DATE_MISSING,
    DATE_PAST,
    DURATION_BLOCK,
    DURATION_INPUT,
    DURATIONS,
    NOTE_BLOCK,
    NOTE_EMPTY,
    NOTE_INPUT,
    PERSON_BLOCK,
    PERSON_MISSING,
    PERSON_PICKER,
    SUBJECT_BLOCK,
    SUBJECT_EMPTY,
    SUBJECT_INPUT,
    TIME_BLOCK,
    TIME_INPUT,
    TIME_PAST,
    TYPE_BLOCK,
    TYPE_INPUT,
)
from blocks.modals import NOTE_MAX, SUBJECT_MAX
from bot.cards.query import parse_person_id
from bot.cards.schedule import due_in_utc, time_zone
from bot.domain import NewActivity
from bot.slack.modal_sessions import ModalSession

Errors = dict[str, str]
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def note_text(view: dict[str, Any]) -> str | Errors:
    """The note as typed (its lines kept), or why it cannot be taken."""
    text = _value(view, NOTE_BLOCK, NOTE_INPUT).get("value")
    if not isinstance(text, str) or not text.strip():
        return {NOTE_BLOCK: NOTE_EMPTY}
    return text[:NOTE_MAX]


def picked_person(view: dict[str, Any]) -> int | Errors:
    """The id of the person picked, or why there is none."""
    option = _value(view, PERSON_BLOCK, PERSON_PICKER).get("selected_option")
    person_id = parse_person_id(option.get("value")) if isinstance(option, dict) else None
    return person_id if person_id is not None else {PERSON_BLOCK: PERSON_MISSING}


def follow_up(
    view: dict[str, Any], session: ModalSession, *, now: datetime
) -> NewActivity | Errors:
    """The activity the follow-up form describes, its time turned from the user's time zone
    (kept in the session) to UTC; or what is wrong with it. `now`: aware."""
    errors: Errors = {}
    subject = _value(view, SUBJECT_BLOCK, SUBJECT_INPUT).get("value")
    if not isinstance(subject, str) or not subject.strip():
        errors[SUBJECT_BLOCK] = SUBJECT_EMPTY
    kind = _chosen(view, TYPE_BLOCK, TYPE_INPUT)
    if session.activity_types and kind not in session.activity_types:
        errors[TYPE_BLOCK] = CHOICE_UNKNOWN
    minutes = _chosen(view, DURATION_BLOCK, DURATION_INPUT)
    if minutes is not None and minutes not in {str(offered) for offered in DURATIONS}:
        errors[DURATION_BLOCK] = CHOICE_UNKNOWN
    picked_time = _value(view, TIME_BLOCK, TIME_INPUT).get("selected_time")
    at = _time(picked_time)
    if picked_time is not None and at is None:
        errors[TIME_BLOCK] = CHOICE_UNKNOWN
    zone = time_zone(session.time_zone)
    day = _date(_value(view, DATE_BLOCK, DATE_INPUT).get("selected_date"))
    local_now = now.astimezone(zone)
    if day is None:
        errors[DATE_BLOCK] = DATE_MISSING
    elif day < local_now.date():
        errors[DATE_BLOCK] = DATE_PAST
    elif at is not None and datetime.combine(day, at, tzinfo=zone) < local_now:
        errors[TIME_BLOCK] = TIME_PAST
    if errors or day is None or session.person_id is None or not isinstance(subject, str):
        return errors or {DATE_BLOCK: DATE_MISSING}
    due_date, due_time = due_in_utc(day, at, zone)
    return NewActivity(
        subject=" ".join(subject.split())[:SUBJECT_MAX],
        type=kind,
        person_id=session.person_id,
        due_date=due_date,
        due_time=due_time,
        duration_minutes=int(minutes) if minutes else None,
    )


def _value(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    found = values.get(block) if isinstance(values, dict) else None
    value = found.get(action) if isinstance(found, dict) else None
    return value if isinstance(value, dict) else {}


def _chosen(view: dict[str, Any], block: str, action: str) -> str | None:
    option = _value(view, block, action).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _time(value: Any) -> time | None:
    match = _TIME.match(value) if isinstance(value, str) else None
    return time(int(match.group(1)), int(match.group(2))) if match else None
