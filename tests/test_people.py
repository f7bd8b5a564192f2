"""PeopleService against the Pipedrive stand-in: assembly, budget, degradation, cache."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time

import pytest
from pydantic import SecretStr

from bot.people import PeopleService
from bot.pipedrive import (
    Activity,
    Organization,
    Person,
    PersonNotFound,
    Picture,
    PipedriveAuthError,
    PipedriveClient,
    PipedriveRateLimited,
    PipedriveUnavailable,
    User,
)
from bot.pipedrive.client import ApiVersion
from bot.standins import PipedriveStandIn
from bot.standins.pipedrive import NOT_FOUND

TOKEN = "standin-test-token"
PICTURES = "https://pipedrive-profile-pics.s3.example.com/f8893852574273f2747bf6ef09d11cfb4ac8f269"
PICTURE_URLS = {128: f"{PICTURES}_128.jpg", 512: f"{PICTURES}_512.jpg"}
OWNER = User(id=123, name="Jane Doe", email="jane@pipedrive.com")
ORGANIZATION = Organization(id=1234, name="Org Name", address="Mustamäe tee 3a, 10615 Tallinn")
NEXT_ACTIVITY = Activity(
    id=128,
    subject="Call Will about the renewal",
    type="call",
    due_date=date(2019, 11, 29),
    due_time=time(11, 30),
    duration_minutes=30,
    done=False,
)
PERSON_READ = re.compile(r"/api/v[12]/persons/\d+")
SERVER_ERROR = {"success": False, "error": "Internal server error", "data": None}

MakeService = Callable[..., tuple[PeopleService, PipedriveClient]]


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def make_service(standin: PipedriveStandIn) -> AsyncIterator[MakeService]:
    clients: list[PipedriveClient] = []

    def make(
        version: ApiVersion = "v2", *, token: str = TOKEN, card_budget: float = 10.0
    ) -> tuple[PeopleService, PipedriveClient]:
        client = PipedriveClient(
            origin=standin.url, api_token=SecretStr(token), api_version=version
        )
        clients.append(client)
        return PeopleService(client, card_budget=card_budget), client

    yield make
    for client in clients:
        await client.aclose()


def paths(standin: PipedriveStandIn) -> list[str]:
    return sorted(seen.path for seen in standin.requests)


def person_reads(standin: PipedriveStandIn) -> int:
    return sum(1 for seen in standin.requests if PERSON_READ.fullmatch(seen.path))


def assert_full_sample_card(person: Person) -> None:
    assert person.id == 1
    assert person.name == "Will Smith"
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.picture == Picture(id=4, urls=PICTURE_URLS)
    assert person.next_activity_id == 128
    assert person.next_activity == NEXT_ACTIVITY
    assert person.next_activity.due_at == datetime(2019, 11, 29, 11, 30, tzinfo=UTC)
    assert person.last_activity_date == date(2019, 11, 28)
    assert person.add_time == datetime(2017, 10, 18, 13, 23, 7, tzinfo=UTC)
    assert person.deals.open == 2
    assert person.label_ids == (1, 2, 3)


# -- assembly --------------------------------------------------------------------------------


async def test_v2_assembles_the_full_sample_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert_full_sample_card(person)
    assert paths(standin) == [
        "/api/v1/users/123",
        "/api/v2/activities/128",
        "/api/v2/activities/34",
        "/api/v2/organizations/1234",
        "/api/v2/persons/1",
        "/api/v2/persons/1/picture",
    ]
    person_request = next(seen for seen in standin.requests if seen.path == "/api/v2/persons/1")
    assert "next_activity_id" in person_request.query["include_fields"].split(",")


async def test_v1_assembles_the_same_card_from_embedded_records(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v1")

    person = await people.person_card(1)

    assert_full_sample_card(person)
    # Owner, organization, picture and last activity date come embedded in the v1 person.
    assert paths(standin) == ["/api/v1/activities/128", "/api/v1/persons/1"]


async def test_both_versions_give_the_same_card(make_service: MakeService) -> None:
    v1, _ = make_service("v1")
    v2, _ = make_service("v2")

    from_v1 = await v1.person_card(1)
    from_v2 = await v2.person_card(1)

    shared = {
        "id", "name", "first_name", "last_name", "emails", "phones", "owner_id", "owner",
        "org_id", "organization", "picture_id", "picture", "next_activity_id", "next_activity",
        "last_activity_id", "last_activity_date", "label_ids", "deals", "activities",
        "visible_to", "is_deleted", "add_time", "update_time", "custom_fields",
    }  # fmt: skip
    assert from_v1.model_dump(include=shared) == from_v2.model_dump(include=shared)


# -- failures of the person read -------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_unknown_person_is_person_not_found(
    standin: PipedriveStandIn, make_service: MakeService, version: ApiVersion
) -> None:
    people, _ = make_service(version)

    with pytest.raises(PersonNotFound) as raised:
        await people.person_card(999)

    assert raised.value.person_id == 999
    assert paths(standin) == [f"/api/{version}/persons/999"]  # nothing else is read


async def test_wrong_token_is_auth_error(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2", token="not-the-token")

    with pytest.raises(PipedriveAuthError):
        await people.person_card(1)

    assert standin.count("/") == 1


async def test_rate_limited_person_read_keeps_its_retry_after(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave(
        "/api/v2/persons/1",
        status=429,
        headers={"Retry-After": "7"},
        body={"success": False, "error": "Too many requests"},
    )
    people, _ = make_service("v2")

    with pytest.raises(PipedriveRateLimited) as raised:
        await people.person_card(1)

    assert raised.value.retry_after == 7


async def test_person_slower_than_the_budget_is_unavailable(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # The real record, late: with no budget this would be a full card.
    record = standin.records["/api/v2/persons/1"]
    standin.misbehave("/api/v2/persons/1", delay=2, body=record, times=1)
    people, _ = make_service("v2", card_budget=0.5)

    with pytest.raises(PipedriveUnavailable, match="no answer within"):
        await people.person_card(1)

    assert standin.count("/api/v2/persons/1") == 1


async def test_failed_person_read_is_not_cached(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v2/persons/1", status=500, body=SERVER_ERROR, times=1)
    people, _ = make_service("v2")

    with pytest.raises(PipedriveUnavailable):
        await people.person_card(1)
    assert_full_sample_card(await people.person_card(1))

    assert person_reads(standin) == 2


# -- degradation: related reads that fail or are late ----------------------------------------


async def test_picture_error_leaves_the_card_without_picture(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v2/persons/1/picture", status=500, body=SERVER_ERROR)
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert person.picture is None
    assert person.picture_id == 4
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.next_activity == NEXT_ACTIVITY
    assert standin.count("/api/v2/persons/1/picture") == 1


async def test_missing_owner_leaves_the_card_without_owner(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v1/users/123", status=404, body=NOT_FOUND)
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert (person.owner_id, person.owner) == (123, None)
    assert person.organization == ORGANIZATION


async def test_failed_related_read_is_retried_on_the_next_fresh_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v2/persons/1/picture", status=503, body=SERVER_ERROR, times=1)
    people, _ = make_service("v2")

    assert (await people.person_card(1)).picture is None
    assert (await people.person_card(1, fresh=True)).picture == Picture(id=4, urls=PICTURE_URLS)


async def test_next_activity_slower_than_the_budget_is_left_out(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # The real record, late: with no budget the card would carry it.
    record = standin.records["/api/v2/activities/128"]
    standin.misbehave("/api/v2/activities/128", delay=2, body=record, times=1)
    people, _ = make_service("v2", card_budget=0.5)

    person = await people.person_card(1)

    assert person.next_activity_id == 128
    assert person.next_activity is None
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.picture == Picture(id=4, urls=PICTURE_URLS)
    assert person.last_activity_date == date(2019, 11, 28)
    assert standin.count("/api/v2/activities/128") == 1


async def test_unexpected_error_in_a_related_read_propagates(
    make_service: MakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    people, client = make_service("v2")

    async def broken(activity_id: int) -> Activity:
        raise LookupError(f"bug while reading activity {activity_id}")

    monkeypatch.setattr(client, "activity", broken)

    # A bug is not a Pipedrive outage: it must not be hidden as a card with a gap.
    with pytest.raises(LookupError, match="bug while reading activity"):
        await people.person_card(1)

    monkeypatch.undo()
    assert_full_sample_card(await people.person_card(1))  # and the failure was not cached


# -- cache and coalescing --------------------------------------------------------------------


async def test_second_card_comes_from_the_cache(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2")

    first = await people.person_card(1)
    seen = len(standin.requests)
    second = await people.person_card(1)

    assert second == first
    assert len(standin.requests) == seen
    assert person_reads(standin) == 1


async def test_fresh_card_reads_the_person_again_but_not_the_directory(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2")
    await people.person_card(1)
    standin.put(
        "/api/v2/persons/1",
        {"success": True, "data": standin.records["/api/v2/persons/1"]["data"] | {"name": "Will"}},
    )

    cached = await people.person_card(1)
    fresh = await people.person_card(1, fresh=True)

    assert cached.name == "Will Smith"
    assert fresh.name == "Will"
    assert person_reads(standin) == 2
    assert standin.count("/api/v1/users/123") == 1
    assert standin.count("/api/v2/organizations/1234") == 1
    assert standin.count("/api/v2/persons/1/picture") == 1


async def test_burst_over_many_people_reads_each_person_once(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.add_people(39)
    people, _ = make_service("v2")
    ids = [person_id for _ in range(5) for person_id in range(1, 41)]

    cards = await asyncio.gather(*(people.person_card(person_id) for person_id in ids))

    assert [card.id for card in cards] == ids
    assert all(card.name == f"Will Smith {card.id}" for card in cards if card.id != 1)
    assert all(card.owner == OWNER and card.organization == ORGANIZATION for card in cards)
    assert standin.count("/api/v2/persons/") >= 40  # counts /picture reads too
    assert person_reads(standin) == 40
    assert standin.count("/api/v1/users/123") == 1
    assert standin.count("/api/v2/organizations/1234") == 1
