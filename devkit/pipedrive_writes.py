"""`POST /api/v1/notes` and `POST /api/v2/activities` for the Pipedrive stand-in.

Answered as Pipedrive answers (`{"success": true, "data": {"id": …}}`, the official examples'
shapes) from the stand-in's own records: a note or an activity on a person it does not hold is
not found; API v2 refuses `person_id` on an activity (it is read-only there: the person is the
primary participant). A new activity is kept as a record, and becomes its person's
`next_activity_id` when it is due before the one they have, as a later person read then shows.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

NOTES_PATH = "/api/v1/notes"
ACTIVITIES_PATH = "/api/v2/activities"
# What Pipedrive answers an OAuth token without the scope a call needs (a third-party capture:
# tests/fixtures/pipedrive/error-responses.json, "oauth_scope_mismatch_403_third_party").
SCOPE_MISMATCH = {
    "success": False,
    "error": "Scope and URL mismatch",
    "errorCode": 403,
    "error_info": "Please check developers.pipedrive.com",
}
# Any of these OAuth scopes allows the write (openapi-v1.yaml addNote, openapi-v2.yaml
# addActivity).
WRITE_SCOPES = {NOTES_PATH: ("deals:full", "contacts:full"), ACTIVITIES_PATH: ("activities:full",)}
PERSON_ID_READ_ONLY = (
    "'person_id' is a read-only field. Add a primary participant to set 'person_id' instead."
)
FIRST_ID = 900_000
DEFAULT_TYPE = "call"  # what Pipedrive gives an activity sent without a type
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::[0-5][0-9])?$")
_DURATION = re.compile(r"^([0-9]{2}):([0-5][0-9])$")
# Templates for new activities: the sample activity of each API version.
_TEMPLATE = {"v1": "/api/v1/activities/128", "v2": "/api/v2/activities/128"}


@dataclass(frozen=True)
class Write:
    """A write the stand-in accepted: where, what, and the API or OAuth token it came with."""

    path: str
    body: Any
    credential: str


class Writes:
    """Accepted writes, oldest first, and the ids Pipedrive would give them."""

    def __init__(self) -> None:
        self.accepted: list[Write] = []
        self._ids: Iterator[int] = itertools.count(FIRST_ID)

    def answer(
        self, records: MutableMapping[str, Any], path: str, body: Any, credential: str
    ) -> tuple[int, Any]:
        """The status and body Pipedrive would answer; an accepted write changes `records`."""
        if path == NOTES_PATH:
            status, answer = self._note(records, body)
        elif path == ACTIVITIES_PATH:
            status, answer = self._activity(records, body)
        else:
            return 404, _error("Unknown method .")
        if status == 200:
            self.accepted.append(Write(path, copy.deepcopy(body), credential))
        return status, answer

    def _note(self, records: MutableMapping[str, Any], body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or not _text(body.get("content")):
            return 400, _error("Note content is required")
        person_id, org_id = body.get("person_id"), body.get("org_id")
        if not _whole(person_id) or (org_id is not None and not _whole(org_id)):
            return 400, _error("person_id and org_id must be integers")
        if f"/api/v2/persons/{person_id}" not in records:
            return 404, _error("Person not found")
        note = {
            "id": next(self._ids),
            "active_flag": True,
            "add_time": _now(),
            "content": body["content"],
            "person_id": person_id,
            "org_id": org_id,
            "deal_id": None,
        }
        records[f"{NOTES_PATH}/{note['id']}"] = {"success": True, "data": note}
        return 200, {"success": True, "data": note}

    def _activity(self, records: MutableMapping[str, Any], body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict):
            return 400, _error("Request body must be an object")
        if "person_id" in body:
            return 400, {"success": False, "error": PERSON_ID_READ_ONLY, "code": "ERR_BAD_REQUEST"}
        problem = _activity_problem(body)
        if problem:
            return 400, _error(problem)
        (person_id,) = [p["person_id"] for p in body["participants"] if p.get("primary")]
        if f"/api/v2/persons/{person_id}" not in records:
            return 404, _error("Person not found")
        activity_id = next(self._ids)
        due_time = _clock(body.get("due_time"))
        fields = {
            "id": activity_id,
            "subject": body["subject"],
            "type": body.get("type", DEFAULT_TYPE),
            "person_id": person_id,
            "org_id": body.get("org_id"),
            "due_date": body["due_date"],
            "due_time": due_time,
            "duration": _clock(body.get("duration")),
            "done": False,
        }
        for version, template in _TEMPLATE.items():
            record = copy.deepcopy(records[template])
            record["data"].update(fields)
            if version == "v2":
                record["data"]["participants"] = [{"person_id": person_id, "primary": True}]
            records[f"/api/{version}/activities/{activity_id}"] = record
        _maybe_next(records, person_id, activity_id)
        return 200, {"success": True, "data": records[f"{ACTIVITIES_PATH}/{activity_id}"]["data"]}


def _activity_problem(body: dict[str, Any]) -> str | None:
    if not _text(body.get("subject")) or not _text(body.get("type", DEFAULT_TYPE)):
        return "subject is required, and type must be an activity type's key"
    if _day(body.get("due_date")) is None:
        return "due_date: This value is not a valid date."
    for key, pattern in (("due_time", _TIME), ("duration", _DURATION)):
        value = body.get(key)
        if value is not None and not (isinstance(value, str) and pattern.match(value)):
            return f"{key}: This value is not valid."
    participants = body.get("participants")
    if not isinstance(participants, list) or not all(
        isinstance(p, dict) and _whole(p.get("person_id")) for p in participants
    ):
        return "participants must be a list of {person_id, primary}"
    if sum(1 for p in participants if p.get("primary") is True) != 1:
        return "participants need exactly one primary person"
    org_id = body.get("org_id")
    return None if org_id is None or _whole(org_id) else "org_id must be an integer"


def _maybe_next(records: MutableMapping[str, Any], person_id: int, activity_id: int) -> None:
    """Make the new activity the person's next one when it is due before their current one."""
    person = records[f"/api/v2/persons/{person_id}"]["data"]
    current = records.get(f"{ACTIVITIES_PATH}/{person.get('next_activity_id')}")
    new = records[f"{ACTIVITIES_PATH}/{activity_id}"]["data"]
    if current is not None and not current["data"].get("done"):
        if _due(current["data"]) <= _due(new):
            return
    for version in ("v1", "v2"):
        found = records.get(f"/api/{version}/persons/{person_id}")
        if found is not None:
            found["data"]["next_activity_id"] = activity_id


def _due(activity: dict[str, Any]) -> tuple[date, time]:
    """When an activity is due; an all-day one at the start of its day."""
    day = _day(activity.get("due_date")) or date.max
    clock = _clock(activity.get("due_time"))
    return day, time.fromisoformat(clock) if clock else time.min


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _clock(value: Any) -> str | None:
    """ "HH:MM" or "HH:MM:SS" as Pipedrive v2 answers it: "HH:MM:SS"."""
    if not isinstance(value, str) or not value:
        return None
    return value if len(value) == 8 else f"{value}:00"


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _error(message: str) -> dict[str, Any]:
    return {"success": False, "error": message, "error_info": "Please check the request."}
