"""Writes (notes, follow-ups) against the Pipedrive stand-in: what reaches Pipedrive, and every
way it can fail."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import date, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.cards.connections import Viewer
from bot.cards.lookup import Lookup
from bot.cards.readers import Reader, SharedReader
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.writes import Writes, Written, note_html
from bot.domain import Failure, FailureKind, NewActivity
from bot.pipedrive import PipedriveClient
from devkit import PipedriveStandIn
from devkit.pipedrive_writes import SCOPE_MISMATCH

TOKEN = "writes-test-token"
NOTES = "/api/v1/notes"
ACTIVITIES = "/api/v2/activities"
FOLLOW_UP = NewActivity(
    subject="Follow up with Will Smith",
    type="call",
    person_id=1,
    org_id=999,  # whatever it says, the person's own organization is linked
    due_date=date(2026, 1, 12),
    due_time=time(14, 0),
    duration_minutes=30,
)


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(standin: PipedriveStandIn) -> AsyncIterator[PipedriveClient]:
    async with PipedriveClient(origin=standin.url, api_token=SecretStr(TOKEN)) as pipedrive:
        yield pipedrive


@pytest.fixture
def writes(client: PipedriveClient) -> Writes:
    return Writes(client, attribute=True)


def only_write(standin: PipedriveStandIn) -> dict[str, Any]:
    (write,) = standin.writes
    assert write.credential == TOKEN
    body: dict[str, Any] = write.body
    return body


# -- the note's HTML -------------------------------------------------------------------------


def test_html_from_slack_stays_text_and_line_breaks_stay() -> None:
    typed = 'Met <script>alert(1)</script>\r\nand <img src=x onerror="alert(2)"> & co\n\nbye'
    assert note_html(typed, added_by=None) == (
        "Met &lt;script&gt;alert(1)&lt;/script&gt;<br>"
        "and &lt;img src=x onerror=&quot;alert(2)&quot;&gt; &amp; co<br><br>bye"
    )


def test_the_attribution_line_names_the_slack_user_escaped() -> None:
    assert note_html("Hi", added_by="<b>Jane</b> & co") == (
        "Hi<br><br>— added from Slack by &lt;b&gt;Jane&lt;/b&gt; &amp; co"
    )


@given(st.text())
def test_any_text_comes_back_whole_and_only_br_is_markup(typed: str) -> None:
    made = note_html(typed, added_by=None)
    assert "<" not in made.replace("<br>", "")
    expected = typed.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    assert html.unescape(made.replace("<br>", "\n")) == expected


# -- notes -----------------------------------------------------------------------------------


async def test_a_note_goes_on_the_person_and_their_organization_and_names_who_added_it(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    written = await writes.add_note(
        person_id=1, text="Called <b>Will</b>", author="Jane Doe", reference="r1"
    )
    assert isinstance(written, Written)
    assert (written.person.id, written.person.display_name) == (1, "Will Smith")
    assert only_write(standin) == {
        "content": "Called &lt;b&gt;Will&lt;/b&gt;<br><br>— added from Slack by Jane Doe",
        "person_id": 1,
        "org_id": 1234,
    }
    assert standin.records[f"{NOTES}/{written.record_id}"]["data"]["person_id"] == 1


async def test_with_the_users_own_credentials_the_note_says_nothing_more(
    client: PipedriveClient, standin: PipedriveStandIn
) -> None:
    as_user = Writes(client, attribute=False)
    assert isinstance(
        await as_user.add_note(person_id=202, text="Hi", author="Jane Doe", reference="r"),
        Written,
    )
    assert only_write(standin) == {"content": "Hi", "person_id": 202}  # no organization


async def test_a_person_the_writer_cannot_find_gets_no_note(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    answer = await writes.add_note(person_id=999, text="Hi", author="J", reference="r")
    assert answer == Failure(FailureKind.NOT_FOUND, person_id=999, reference="r")
    assert standin.writes == [] and standin.count(NOTES) == 0


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (403, SCOPE_MISMATCH, FailureKind.MISSING_SCOPE),
        (403, {"success": False, "error": "You do not have permissions"}, FailureKind.FORBIDDEN),
        (401, {"success": False, "error": "unauthorized access"}, FailureKind.AUTH),
        (400, {"success": False, "error": "Bad request"}, FailureKind.BAD_REQUEST),
        (500, {"success": False, "error": "Internal"}, FailureKind.UNAVAILABLE),
    ],
)
async def test_each_refusal_is_its_own_failure(
    writes: Writes, standin: PipedriveStandIn, status: int, body: Any, kind: FailureKind
) -> None:
    standin.misbehave(NOTES, status=status, body=body)
    answer = await writes.add_note(person_id=1, text="Hi", author="J", reference="r")
    assert answer == Failure(kind, person_id=1, reference="r")
    assert standin.writes == []


async def test_rate_limited_says_when_and_writes_nothing(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    standin.misbehave(ACTIVITIES, status=429, body={"success": False}, headers={"Retry-After": "9"})
    answer = await writes.schedule_follow_up(FOLLOW_UP, reference="r")
    assert isinstance(answer, Failure) and answer.kind is FailureKind.RATE_LIMITED
    assert answer.retry_after == 9.0
    assert standin.writes == [] and standin.count(ACTIVITIES) == 1  # not retried


async def test_a_write_slower_than_the_budget_is_unavailable(
    client: PipedriveClient, standin: PipedriveStandIn
) -> None:
    standin.misbehave(NOTES, delay=5.0)
    quick = Writes(client, attribute=True, budget=0.3)
    answer = await quick.add_note(person_id=1, text="Hi", author="J", reference="r")
    assert isinstance(answer, Failure) and answer.kind is FailureKind.UNAVAILABLE


# -- follow-ups ------------------------------------------------------------------------------


async def test_a_follow_up_is_linked_to_the_person_and_their_own_organization(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    written = await writes.schedule_follow_up(FOLLOW_UP, reference="r")
    assert isinstance(written, Written) and written.person.id == 1
    assert only_write(standin) == {
        "subject": "Follow up with Will Smith",
        "type": "call",
        "due_date": "2026-01-12",
        "due_time": "14:00",
        "duration": "00:30",
        "participants": [{"person_id": 1, "primary": True}],
        "org_id": 1234,
    }


async def test_a_follow_up_for_a_person_it_cannot_find_is_not_written(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    missing = FOLLOW_UP.model_copy(update={"person_id": 404})
    answer = await writes.schedule_follow_up(missing, reference="r")
    assert isinstance(answer, Failure) and answer.kind is FailureKind.NOT_FOUND
    assert standin.count(ACTIVITIES) == 0


async def test_activity_types_are_the_active_ones_read_once(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    body = standin.records["/api/v1/activityTypes"]
    body["data"].append({"key_string": "fax", "name": "Fax", "active_flag": False})
    active = {"deadline": "Deadline", "call": "Call", "meeting": "Meeting"}
    assert await writes.activity_types(reference="r") == active
    assert await writes.activity_types(reference="r") == active
    assert standin.count("/api/v1/activityTypes") == 1


async def test_activity_types_that_cannot_be_read_are_a_failure(
    writes: Writes, standin: PipedriveStandIn
) -> None:
    standin.misbehave("/api/v1/activityTypes", status=403, body={"success": False})
    answer = await writes.activity_types(reference="r")
    assert isinstance(answer, Failure) and answer.kind is FailureKind.FORBIDDEN


async def test_the_form_reads_the_person_as_the_writer_sees_them(writes: Writes) -> None:
    person = await writes.person(201, reference="r")
    assert not isinstance(person, Failure) and person.display_name == "Jane Smith"
    assert await writes.person(999, reference="r") == Failure(
        FailureKind.NOT_FOUND, person_id=999, reference="r"
    )


# -- the person picker's search --------------------------------------------------------------


async def test_people_are_searched_without_reading_any_card(
    client: PipedriveClient, standin: PipedriveStandIn
) -> None:
    reader = Reader(PeopleService(client), PeopleSearch(client), Writes(client, attribute=True))
    lookup = Lookup(SharedReader(reader))
    viewer = Viewer("T1", "U1")
    found = await lookup.people("jane@acme.com", viewer, exact=True, reference="r")
    assert not isinstance(found, Failure) and [hit.id for hit in found] == [201]
    assert [seen.path for seen in standin.requests] == ["/api/v2/persons/search"]
    standin.misbehave("/api/v2/persons/search", status=503)
    failed = await lookup.people("Smith", viewer, exact=False, reference="r")
    assert isinstance(failed, Failure) and failed.kind is FailureKind.UNAVAILABLE
