"""PipedriveClient's writes against a mocked httpx (respx): bodies, ids, no retries, statuses."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

import httpx
import pytest
import respx

from bot.domain import NewActivity
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveForbidden,
    PipedriveMissingScope,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from bot.pipedrive.client import RetryPolicy
from bot.pipedrive.pacing import answer_within

from .clients import TOKEN, client_for
from .examples import read_fixture

ERRORS: dict[str, Any] = read_fixture("error-responses.json")
FOLLOW_UP = NewActivity(
    subject="Follow up with Will Smith",
    type="call",
    person_id=1,
    org_id=1234,
    due_date=date(2026, 1, 12),
    due_time=time(14, 0),
    duration_minutes=90,
)


def sent(route: respx.Route) -> dict[str, Any]:
    (call,) = route.calls
    body: dict[str, Any] = json.loads(call.request.content)
    return body


async def test_a_note_is_posted_as_json_with_the_token_in_the_header_and_its_id_returned(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.post("/api/v1/notes").respond(json=read_fixture("v1_POST_notes_200.json"))
    assert await client.add_note(person_id=1, org_id=1234, content="Hi<br>there") == 1
    assert sent(route) == {"content": "Hi<br>there", "person_id": 1, "org_id": 1234}
    request = route.calls.last.request
    assert request.headers["x-api-token"] == TOKEN
    assert request.headers["content-type"] == "application/json"
    assert TOKEN not in str(request.url)


async def test_a_note_on_a_person_without_organization_sends_no_org_id(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.post("/api/v1/notes").respond(json={"success": True, "data": {"id": 77}})
    assert await client.add_note(person_id=2, org_id=None, content="x") == 77
    assert sent(route) == {"content": "x", "person_id": 2}


async def test_an_activity_goes_to_v2_with_the_person_as_primary_participant(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.post("/api/v2/activities").respond(json=read_fixture("v2_POST_activities_200.json"))
    assert await client.add_activity(FOLLOW_UP) == 1
    assert sent(route) == {
        "subject": "Follow up with Will Smith",
        "type": "call",
        "due_date": "2026-01-12",
        "due_time": "14:00",
        "duration": "01:30",
        "participants": [{"person_id": 1, "primary": True}],
        "org_id": 1234,
    }


async def test_an_all_day_activity_has_no_due_time_or_duration(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.post("/api/v2/activities").respond(json={"success": True, "data": {"id": 5}})
    activity = NewActivity(
        subject="Call", type="call", person_id=3, due_date=date(2026, 1, 12), owner_id=9
    )
    assert await client.add_activity(activity) == 5
    body = sent(route)
    assert "due_time" not in body and "duration" not in body and "org_id" not in body
    assert body["owner_id"] == 9 and "person_id" not in body


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, {"success": False, "error": "Validation failed: due_time"}, PipedriveError),
        (401, ERRORS["v1_unauthorized_401_spec"]["body"], PipedriveAuthError),
        (403, ERRORS["v1_forbidden_403_spec"]["body"], PipedriveForbidden),
        (404, ERRORS["v2_entity_not_found_404_spec"]["body"], PipedriveNotFound),
        (500, {"success": False, "error": "Internal"}, PipedriveUnavailable),
        (503, {"success": False, "error": "Down"}, PipedriveUnavailable),
    ],
)
async def test_write_statuses_map_like_reads_and_name_the_post(
    api: respx.MockRouter,
    client: PipedriveClient,
    status: int,
    body: Any,
    error: type[Exception],
) -> None:
    api.post("/api/v1/notes").respond(status, json=body)
    with pytest.raises(error) as raised:
        await client.add_note(person_id=1, org_id=None, content="x")
    assert not isinstance(raised.value, PipedriveMissingScope)
    assert str(raised.value).startswith("POST /api/v1/notes")


async def test_a_scope_mismatch_is_its_own_kind_of_forbidden(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    scope = ERRORS["oauth_scope_mismatch_403_third_party"]
    api.post("/api/v2/activities").respond(scope["status"], json=scope["body"])
    with pytest.raises(PipedriveMissingScope) as raised:
        await client.add_activity(FOLLOW_UP)
    assert isinstance(raised.value, PipedriveForbidden)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_a_write_is_never_retried(api: respx.MockRouter, status: int) -> None:
    route = api.post("/api/v1/notes").respond(status, headers={"Retry-After": "0"})
    async with client_for(retry=RetryPolicy(attempts=3, first_backoff=0.0)) as retrying:
        with pytest.raises(PipedriveError):
            await retrying.add_note(person_id=1, org_id=None, content="x")
    assert route.call_count == 1


async def test_a_rate_limited_write_says_when_and_holds_the_next_request_back(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.post("/api/v1/notes").respond(429, headers={"Retry-After": "7"})
    with pytest.raises(PipedriveRateLimited) as raised:
        await client.add_note(person_id=1, org_id=None, content="x")
    assert raised.value.retry_after == 7.0
    # The pause applies to reads too: with a 1 s deadline a read refuses to wait 7 s.
    with pytest.raises(PipedriveRateLimited):
        async with answer_within(1.0, "read"):
            await client.person(1)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>proxy</html>"),
        httpx.Response(200, json={"success": False, "error": "?"}),
        httpx.Response(200, json={"success": True, "data": None}),
        httpx.Response(200, json={"success": True, "data": {"id": "1"}}),
        httpx.Response(200, json={"success": True, "data": {"id": True}}),
    ],
)
async def test_an_answer_without_an_id_is_unavailable(
    api: respx.MockRouter, client: PipedriveClient, response: httpx.Response
) -> None:
    api.post("/api/v1/notes").mock(return_value=response)
    with pytest.raises(PipedriveUnavailable):
        await client.add_note(person_id=1, org_id=None, content="x")


async def test_a_write_that_times_out_is_unavailable_and_names_no_token(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.post("/api/v1/notes").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(PipedriveUnavailable) as raised:
        await client.add_note(person_id=1, org_id=None, content="x")
    assert "timed out" in str(raised.value) and TOKEN not in str(raised.value)


async def test_activity_type_choices_leave_out_inactive_types(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    body = read_fixture("v1_GET_activityTypes_200.json")
    body["data"].append(
        {**body["data"][1], "key_string": "fax", "name": "Fax", "active_flag": False}
    )
    body["data"].append({"key_string": "lunch", "name": "Lunch"})  # no flag at all: active
    api.get("/api/v1/activityTypes").respond(json=body)
    assert await client.activity_type_choices() == {
        "deadline": "Deadline",
        "call": "Call",
        "lunch": "Lunch",
    }
    # The card still names an old activity of a type turned off since.
    assert (await client.activity_types())["fax"] == "Fax"
