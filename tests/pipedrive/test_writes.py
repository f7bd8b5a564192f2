"""PipedriveClient's writes against a mocked httpx (respx): bodies, ids, no retries, statuses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from pydantic import SecretStr

from bot.cards.budget import deadline_after
from bot.domain import NewActivity
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveForbidden,
    PipedriveMissingScope,
    PipedriveNotFound,
    PipedriveOAuth,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from bot.pipedrive.client import RetryPolicy
from devkit import PipedriveOAuthStandIn, PipedriveStandIn
from devkit.pipedrive_writes import SCOPE_MISMATCH

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
        await client.person(1, deadline=deadline_after(1.0))


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


# -- the stand-in, through the real client -------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def writer(standin: PipedriveStandIn) -> AsyncIterator[PipedriveClient]:
    async with client_for(origin=standin.url) as pipedrive:
        yield pipedrive


async def test_the_standin_records_a_note_with_its_credential(
    standin: PipedriveStandIn, writer: PipedriveClient
) -> None:
    note_id = await writer.add_note(person_id=1, org_id=1234, content="<b>Hi</b>")
    (write,) = standin.writes
    assert (write.path, write.credential) == ("/api/v1/notes", TOKEN)
    assert write.body == {"content": "<b>Hi</b>", "person_id": 1, "org_id": 1234}
    assert standin.records[f"/api/v1/notes/{note_id}"]["data"]["content"] == "<b>Hi</b>"


async def test_the_standin_finds_no_person_it_does_not_hold(
    standin: PipedriveStandIn, writer: PipedriveClient
) -> None:
    with pytest.raises(PipedriveNotFound):
        await writer.add_note(person_id=999, org_id=None, content="x")
    assert standin.writes == []


async def test_the_standin_refuses_person_id_on_a_v2_activity_as_pipedrive_does(
    standin: PipedriveStandIn,
) -> None:
    async with httpx.AsyncClient(base_url=standin.url) as http:
        answer = await http.post(
            "/api/v2/activities",
            headers={"x-api-token": TOKEN},
            json={"subject": "x", "type": "call", "due_date": "2026-01-12", "person_id": 1},
        )
    assert answer.status_code == 400
    assert "read-only" in answer.json()["error"]
    assert standin.writes == []


async def test_a_new_earliest_activity_becomes_the_persons_next_one(
    standin: PipedriveStandIn, writer: PipedriveClient
) -> None:
    person = standin.records["/api/v2/persons/202"]["data"]
    assert person.get("next_activity_id") is None
    later = FOLLOW_UP.model_copy(update={"person_id": 202, "org_id": None})
    later_id = await writer.add_activity(later)
    assert (await writer.person(202)).next_activity_id == later_id
    sooner = later.model_copy(update={"due_date": date(2026, 1, 5), "due_time": None})
    sooner_id = await writer.add_activity(sooner)
    found = await writer.person(202)
    assert found.next_activity_id == sooner_id
    activity = await writer.activity(sooner_id)
    assert (activity.due_date, activity.due_time, activity.subject) == (
        date(2026, 1, 5),
        None,
        "Follow up with Will Smith",
    )
    # One due after the next one leaves it the next one.
    await writer.add_activity(later)
    assert (await writer.person(202)).next_activity_id == sooner_id


async def test_an_activity_later_than_the_open_next_one_leaves_it(
    standin: PipedriveStandIn, writer: PipedriveClient
) -> None:
    before = (await writer.person(1)).next_activity_id
    await writer.add_activity(FOLLOW_UP)  # 2026; person 1's next one is due in 2019, not done
    assert (await writer.person(1)).next_activity_id == before == 128


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (403, SCOPE_MISMATCH, PipedriveMissingScope),
        (429, {"success": False, "error": "Too many requests"}, PipedriveRateLimited),
        (500, {"success": False, "error": "Internal"}, PipedriveUnavailable),
        (400, {"success": False, "error": "Bad request"}, PipedriveError),
    ],
)
async def test_the_standin_misbehaves_on_writes_when_told(
    standin: PipedriveStandIn,
    writer: PipedriveClient,
    status: int,
    body: Any,
    error: type[Exception],
) -> None:
    standin.misbehave("/api/v1/notes", status=status, body=body)
    with pytest.raises(error):
        await writer.add_note(person_id=1, org_id=None, content="x")
    assert standin.writes == [] and standin.count("/api/v1/notes") == 1


async def test_the_standin_refuses_a_wrong_token(standin: PipedriveStandIn) -> None:
    async with client_for(origin=standin.url, token="not-the-token") as stranger:
        with pytest.raises(PipedriveAuthError):
            await stranger.add_note(person_id=1, org_id=None, content="x")
    assert standin.writes == []


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [("base,contacts:read,activities:read,users:read", False), ("base,contacts:full", True)],
)
async def test_an_oauth_token_writes_only_with_the_write_scope(
    standin: PipedriveStandIn, scope: str, allowed: bool
) -> None:
    oauth_server = PipedriveOAuthStandIn(api=standin, scope=scope)
    oauth_server.add_user(11, "Ann Archer", "ann@acme.com")
    await oauth_server.start()
    try:
        async with httpx.AsyncClient(follow_redirects=False) as http:
            oauth = PipedriveOAuth(
                oauth_url=oauth_server.url,
                client_id=oauth_server.client_id,
                client_secret=SecretStr(oauth_server.client_secret),
                redirect_uri="https://cards.example.com/callback",
                http=http,
            )
            consent = await http.get(oauth.authorize_url("s"))
            code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
            tokens = await oauth.exchange_code(code)
            access = tokens.access_token.get_secret_value()
            answer = await http.post(
                f"{standin.url}/api/v1/notes",
                headers={"Authorization": f"Bearer {access}"},
                json={"content": "x", "person_id": 1},
            )
    finally:
        await oauth_server.stop()
    if allowed:
        assert answer.status_code == 200
        assert [write.credential for write in standin.writes] == [access]
    else:
        assert (answer.status_code, answer.json()) == (403, SCOPE_MISMATCH)
        assert standin.writes == []
