"""PeopleService against the Pipedrive stand-in: assembly, budget, degradation, cache."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from bot.cards.budget import BudgetExhausted
from bot.cards.service import PeopleService, select_fields
from bot.domain import (
    CustomField,
    DateValue,
    MoneyValue,
    Option,
    OptionsValue,
    PersonCard,
    ReferenceValue,
    TextValue,
)
from bot.pipedrive import (
    Activity,
    Organization,
    Person,
    PersonNotFound,
    Picture,
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveRateLimited,
    PipedriveUnavailable,
    User,
)
from bot.pipedrive.client import ApiVersion
from devkit import PipedriveStandIn
from devkit.pipedrive import NOT_FOUND
from tests.complexity import growth
from tests.conftest import FakeClock

TOKEN = "standin-test-token"
PICTURES = "https://pipedrive-profile-pics.s3.example.com/f8893852574273f2747bf6ef09d11cfb4ac8f269"
PICTURE_URLS = {128: f"{PICTURES}_128.jpg", 512: f"{PICTURES}_512.jpg"}
OWNER = User(id=123, name="Jane Doe", email="jane@pipedrive.com")
ORGANIZATION = Organization(id=1234, name="Org Name", address="Mustamäe tee 3a, 10615 Tallinn")
NEXT_ACTIVITY = Activity(
    id=128,
    subject="Call Will about the renewal",
    type="call",
    type_name="Call",  # from /api/v1/activityTypes
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
        version: ApiVersion = "v2",
        *,
        token: str = TOKEN,
        person_patience: float = 10.0,
        card_budget: float = 10.0,
        burst_limit: int = 1000,  # pacing has its own tests; here it would only add waiting
    ) -> tuple[PeopleService, PipedriveClient]:
        client = PipedriveClient(
            origin=standin.url,
            api_token=SecretStr(token),
            api_version=version,
            burst_limit=burst_limit,
        )
        clients.append(client)
        service = PeopleService(client, person_patience=person_patience, card_budget=card_budget)
        return service, client

    yield make
    for client in clients:
        await client.aclose()


def paths(standin: PipedriveStandIn) -> list[str]:
    return sorted(seen.path for seen in standin.requests)


def person_reads(standin: PipedriveStandIn) -> int:
    """How many person records were asked for, alone or in list requests (`?ids=1,2`)."""
    single = sum(1 for seen in standin.requests if PERSON_READ.fullmatch(seen.path))
    listed = sum(
        len(seen.query["ids"].split(","))
        for seen in standin.requests
        if seen.path == "/api/v2/persons" and "ids" in seen.query
    )
    return single + listed


def assert_full_sample_card(person: PersonCard) -> None:
    assert person.person.id == 1
    assert person.person.name == "Will Smith"
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.picture == Picture(id=4, urls=PICTURE_URLS)
    assert person.person.next_activity_id == 128
    assert person.next_activity == NEXT_ACTIVITY
    assert person.next_activity.due_at == datetime(2019, 11, 29, 11, 30, tzinfo=UTC)
    assert person.last_activity_date == date(2019, 11, 28)
    assert person.person.add_time == datetime(2017, 10, 18, 13, 23, 7, tzinfo=UTC)
    assert person.person.deals.open == 2
    assert person.person.label_ids == (1, 2, 3)


# -- assembly --------------------------------------------------------------------------------


async def test_v2_assembles_the_full_sample_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert_full_sample_card(person)
    assert paths(standin) == [
        "/api/v1/activityTypes",
        "/api/v1/users/123",
        "/api/v2/activities/128",  # next and last activity: two single reads cost 2 tokens,
        "/api/v2/activities/34",  # one list read of both 10
        "/api/v2/organizations/1234",
        "/api/v2/personFields",
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
    assert paths(standin) == [
        "/api/v1/activities/128",
        "/api/v1/activityTypes",
        "/api/v1/personFields",
        "/api/v1/persons/1",
    ]


async def test_both_versions_give_the_same_card(make_service: MakeService) -> None:
    v1, _ = make_service("v1")
    v2, _ = make_service("v2")

    from_v1 = await v1.person_card(1)
    from_v2 = await v2.person_card(1)

    shared = {
        "id", "name", "first_name", "last_name", "emails", "phones", "owner_id", "owner",
        "org_id", "organization", "picture_id", "picture", "next_activity_id", "next_activity",
        "last_activity_id", "last_activity_date", "label_ids", "deals", "activities",
        "visible_to", "is_deleted", "add_time", "update_time", "fields",
    }  # fmt: skip
    # The raw custom field values differ by version (v1 "191", v2 {"id": 191, "label": ...});
    # decoded into `fields`, they agree.
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
    people, _ = make_service("v2", person_patience=2.0)

    with pytest.raises(PipedriveRateLimited) as raised:
        await people.person_card(1)

    assert raised.value.retry_after == 7
    assert person_reads(standin) == 1  # 7 s does not fit a 2 s answer: no retry


async def test_a_person_slower_than_its_patience_exhausts_our_budget(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # The real record, late: with no budget this would be a full card.
    record = standin.records["/api/v2/persons/1"]
    standin.misbehave("/api/v2/persons/1", delay=2, body=record, times=1)
    people, _ = make_service("v2", person_patience=0.5)

    with pytest.raises(BudgetExhausted, match="person 1: no answer within 0.5 s") as raised:
        await people.person_card(1)

    # Our own time ran out: not a Pipedrive failure.
    assert not isinstance(raised.value, PipedriveError)
    assert standin.count("/api/v2/persons/1") == 1


@pytest.mark.parametrize("slow", ["/api/v2/persons/1", "/*"], ids=["person", "every-request"])
async def test_a_slow_pipedrive_still_gives_the_card(
    standin: PipedriveStandIn, make_service: MakeService, slow: str
) -> None:
    # Each read slower than the whole card budget: the person read has its own patience, and
    # the related reads get the card budget from when the person arrived.
    standin.misbehave(slow, delay=0.6)
    people, _ = make_service("v2", card_budget=0.5)

    person = await people.person_card(1)

    assert person.person.name == "Will Smith"
    if slow == "/api/v2/persons/1":
        assert_full_sample_card(person)
    else:  # every related read late too: the card comes with their gaps
        assert person.organization == Organization(id=1234)


async def test_a_person_that_trickled_past_its_patience_is_read_anew(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # 200, then a byte every 0.1 s, never ending; then Pipedrive recovers.
    standin.misbehave("/api/v2/persons/1", trickle=0.1, times=1)
    people, _ = make_service("v2", person_patience=0.5)

    with pytest.raises(BudgetExhausted):
        await people.person_card(1)
    assert_full_sample_card(await people.person_card(1))

    assert person_reads(standin) == 2


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
    assert person.person.picture_id == 4
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.next_activity == NEXT_ACTIVITY
    assert standin.count("/api/v2/persons/1/picture") == 1


async def test_an_owner_that_cannot_be_read_is_shown_by_id(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v1/users/123", status=404, body=NOT_FOUND)
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert person.owner == User(id=123)
    assert person.organization == ORGANIZATION


async def test_failed_related_read_is_retried_on_the_next_fresh_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v2/persons/1/picture", status=500, body=SERVER_ERROR, times=1)
    people, _ = make_service("v2")

    assert (await people.person_card(1)).picture is None
    assert (await people.person_card(1, fresh=True)).picture == Picture(id=4, urls=PICTURE_URLS)


async def test_activities_slower_than_the_budget_are_left_out(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # Next and last activity, late: the card goes without them.
    standin.misbehave("/api/v2/activities/*", delay=2)
    people, _ = make_service("v2", card_budget=0.5)

    person = await people.person_card(1)

    assert person.person.next_activity_id == 128
    assert person.next_activity is None
    assert person.last_activity_date is None
    assert person.owner == OWNER
    assert person.organization == ORGANIZATION
    assert person.picture == Picture(id=4, urls=PICTURE_URLS)
    assert standin.count("/api/v2/activities") == 2


async def test_unexpected_error_in_a_related_read_propagates(
    make_service: MakeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(
        self: PipedriveClient, activity_id: int, *, deadline: float | None = None
    ) -> Activity:
        raise LookupError(f"bug while reading activity {activity_id}")

    monkeypatch.setattr(PipedriveClient, "activity", broken)
    people, _ = make_service("v2")

    # A bug is not a Pipedrive outage: it must not be hidden as a card with a gap.
    with pytest.raises(LookupError, match="bug while reading activity"):
        await people.person_card(1)

    monkeypatch.undo()
    people, _ = make_service("v2")
    assert_full_sample_card(await people.person_card(1))


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

    assert cached.person.name == "Will Smith"
    assert fresh.person.name == "Will"
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

    assert [card.person.id for card in cards] == ids
    assert all(
        card.person.name == f"Will Smith {card.person.id}" for card in cards if card.person.id != 1
    )
    assert all(card.owner == OWNER and card.organization == ORGANIZATION for card in cards)
    assert person_reads(standin) == 40  # each person once
    person_requests = standin.count("/api/v2/persons") - standin.count("/api/v2/persons/")
    assert 1 <= person_requests < 40  # in a few list requests, not one each
    assert standin.count("/api/v1/users/123") == 1
    assert standin.count("/api/v2/organizations/1234") == 1


async def test_a_card_with_its_related_records_cached_costs_3_tokens(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    people, _ = make_service("v2")
    await people.person_card(1)  # owner, organization, picture, field names, activity types
    before = len(standin.requests)

    await people.person_card(1, fresh=True)

    # The person (1 token), its next and last activity (1 each); not a list read (10).
    assert standin.tokens(before) == 3
    assert sorted(seen.path for seen in standin.requests[before:]) == [
        "/api/v2/activities/128",
        "/api/v2/activities/34",
        "/api/v2/persons/1",
    ]


async def test_organizations_wanted_together_come_in_one_list_read(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.add_people(12, start=2, own_organizations=True)
    people, _ = make_service("v2")

    cards = await asyncio.gather(*(people.person_card(person_id) for person_id in range(2, 14)))

    assert [card.organization.name if card.organization else None for card in cards] == [
        f"Organization of {person_id}" for person_id in range(2, 14)
    ]
    assert standin.count("/api/v2/organizations") == 1
    assert standin.count("/api/v2/organizations/") == 0


async def test_a_list_read_refused_for_one_bad_id_falls_back_to_single_reads(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.add_people(11, start=2)
    bad_request = {"success": False, "error": "Validation failed: ids", "data": None}
    standin.misbehave("/api/v2/persons", status=400, body=bad_request)
    people, _ = make_service("v2")

    cards = await asyncio.gather(*(people.person_card(person_id) for person_id in range(1, 13)))

    assert [card.person.id for card in cards] == list(range(1, 13))
    # The refused list read, then each person alone.
    assert sum(seen.path == "/api/v2/persons" for seen in standin.requests) == 1
    assert sum(bool(PERSON_READ.fullmatch(seen.path)) for seen in standin.requests) == 12


# -- custom fields by name, and activity type names ------------------------------------------

CUSTOMER_TYPE = "9dc80c50d78a15643bfc4ca79d76156a73a1ca0e"  # the sample's enum field
INTERESTS = "3fc547328759ae8c97d21331e290c0e5807da655"  # the sample's set field
SAMPLE_FIELDS = [
    ("Customer Type", OptionsValue(options=(Option(id="191", label="Company"),))),
    ("Contract value", MoneyValue(amount=Decimal(2300), currency="EUR")),
    ("Renewal date", DateValue(start=date(2026, 3, 31))),
    (
        "Interests",
        OptionsValue(options=(Option(id="1", label="Support"), Option(id="3", label="Consulting"))),
    ),
    ("Account manager", ReferenceValue(target="user", id=123, name="Jane Doe")),
    ("Preferred name", TextValue(text="Will")),
]


def named_values(person: Person) -> list[tuple[str, object]]:
    return [(field.name, field.value) for field in person.fields]


def v2_person(standin: PipedriveStandIn, person_id: int = 1) -> dict[str, Any]:
    """The stand-in's v2 record of a person (its `data`), to change in place."""
    data: dict[str, Any] = standin.records[f"/api/v2/persons/{person_id}"]["data"]
    return data


def define_field(
    standin: PipedriveStandIn, key: str, name: str, kind: str, options: list[Any] | None = None
) -> None:
    """Add a custom person field to the stand-in's v2 definitions, in the official shape."""
    fields = standin.records["/api/v2/personFields"]["data"]
    template = next(field for field in fields if field["is_custom_field"])
    fields.append(
        template | {"field_code": key, "field_name": name, "field_type": kind, "options": options}
    )


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_custom_fields_come_by_name_and_option_label(
    make_service: MakeService, version: ApiVersion
) -> None:
    people, _ = make_service(version)

    person = await people.person_card(1)

    assert named_values(person) == SAMPLE_FIELDS
    assert person.person.custom_fields[CUSTOMER_TYPE] is not None  # the raw values stay too


async def test_bare_option_ids_get_their_labels_from_the_definitions(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    # What v2 sends without include_option_labels: option ids only.
    v2_person(standin)["custom_fields"] |= {CUSTOMER_TYPE: 191, INTERESTS: [1, 3]}
    people, _ = make_service("v2")

    assert named_values(await people.person_card(1)) == SAMPLE_FIELDS


async def test_references_are_named_from_the_records_they_point_at(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    define_field(standin, "a" * 40, "Partner", "org")
    define_field(standin, "b" * 40, "Referred by", "people")
    v2_person(standin)["custom_fields"] |= {"a" * 40: 1234, "b" * 40: 202}
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert named_values(person)[-2:] == [
        ("Partner", ReferenceValue(target="organization", id=1234, name="Org Name")),
        ("Referred by", ReferenceValue(target="person", id=202, name="Will Turner")),
    ]
    assert ("Account manager", ReferenceValue(target="user", id=123, name="Jane Doe")) in (
        named_values(person)
    )
    # The owner and the organization are the same records: each is read once.
    assert standin.count("/api/v1/users/123") == 1
    assert standin.count("/api/v2/organizations/1234") == 1
    assert standin.count("/api/v2/persons/202") == 1


async def test_references_that_cannot_be_read_keep_only_their_ids(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    define_field(standin, "a" * 40, "Partner", "org")
    define_field(standin, "b" * 40, "Referred by", "people")
    v2_person(standin)["custom_fields"] |= {"a" * 40: 7, "b" * 40: 9}
    standin.misbehave("/api/v2/organizations/7", status=500, body=SERVER_ERROR)
    people, _ = make_service("v2")

    person = await people.person_card(1)  # person 9 does not exist: 404

    assert named_values(person)[-2:] == [
        ("Partner", ReferenceValue(target="organization", id=7)),
        ("Referred by", ReferenceValue(target="person", id=9)),
    ]
    assert person.owner == OWNER


async def test_a_late_reference_leaves_its_name_out_not_the_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    define_field(standin, "a" * 40, "Partner", "org")
    v2_person(standin)["custom_fields"] |= {"a" * 40: 7}
    standin.put("/api/v2/organizations/7", {"success": True, "data": {"id": 7, "name": "Late"}})
    standin.misbehave("/api/v2/organizations/7", delay=2)
    people, _ = make_service("v2", card_budget=0.5)

    person = await people.person_card(1)

    assert ("Partner", ReferenceValue(target="organization", id=7)) in named_values(person)
    assert ("Customer Type", SAMPLE_FIELDS[0][1]) in named_values(person)
    assert person.organization == ORGANIZATION


async def test_at_most_ten_references_are_read_per_card(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.add_people(15, start=2)
    for number in range(15):
        key = f"{number:040x}"
        define_field(standin, key, f"Contact {number}", "people")
        v2_person(standin)["custom_fields"][key] = number + 2
    people, _ = make_service("v2")

    person = await people.person_card(1)

    references = [field.value for field in person.fields if field.type in ("user", "people")]
    assert len(references) == 16  # the sample's Account manager, then the 15 contacts
    named = [ref for ref in references if isinstance(ref, ReferenceValue) and ref.name]
    assert [(ref.target, ref.id) for ref in named] == [
        ("user", 123),
        *(("person", person_id) for person_id in range(2, 11)),
    ]
    assert person_reads(standin) == 1 + 9


async def test_person_card_fields_choose_and_order_the_fields(
    make_service: MakeService,
) -> None:
    _, client = make_service("v2")
    people = PeopleService(
        client, card_fields=("  preferred NAME ", CUSTOMER_TYPE, "No such field", "Interests")
    )

    person = await people.person_card(1)

    assert [field.name for field in person.fields] == [
        "Preferred name",
        "Customer Type",
        "Interests",
    ]


async def test_a_new_field_has_the_definitions_read_again_early(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    clock = FakeClock()
    _, client = make_service("v2")
    people = PeopleService(client, clock=clock)
    await people.person_card(1)
    # Someone adds a field in Pipedrive and fills it in, two minutes later.
    define_field(standin, "e" * 40, "Newsletter", "varchar")
    v2_person(standin)["custom_fields"]["e" * 40] = "weekly"
    clock.now += 120

    person = await people.person_card(1, fresh=True)

    assert ("Newsletter", TextValue(text="weekly")) in named_values(person)
    assert standin.count("/api/v2/personFields") == 2


async def test_a_deleted_field_costs_at_most_one_reread_a_minute(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    clock = FakeClock()
    _, client = make_service("v2")
    people = PeopleService(client, clock=clock)
    # A value under a key no definition has (the field was deleted in Pipedrive).
    v2_person(standin)["custom_fields"]["f" * 40] = "orphan"

    await people.person_card(1)  # the definitions were just read: no reread
    clock.now += 30
    for _ in range(3):
        await people.person_card(1, fresh=True)
    assert standin.count("/api/v2/personFields") == 1

    clock.now += 31
    cards = await asyncio.gather(*(people.person_card(1, fresh=True) for _ in range(5)))
    await people.person_card(1, fresh=True)
    assert standin.count("/api/v2/personFields") == 2
    assert all(named_values(card) == SAMPLE_FIELDS for card in cards)


async def test_failing_definitions_give_a_card_without_custom_fields(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v2/personFields", status=500, body=SERVER_ERROR)
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert person.fields == ()
    assert person.person.custom_fields  # still there, unnamed
    assert person.owner == OWNER
    assert person.next_activity == NEXT_ACTIVITY


async def test_a_person_without_custom_values_reads_no_definitions(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    v2_person(standin)["custom_fields"] = {"a" * 40: None, "b" * 40: ""}
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert person.fields == ()
    assert standin.count("/api/v2/personFields") == 0


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_the_next_activity_gets_its_type_name(
    standin: PipedriveStandIn, make_service: MakeService, version: ApiVersion
) -> None:
    people, _ = make_service(version)

    await people.person_card(1)
    await people.person_card(1, fresh=True)
    person = await people.person_card(1, fresh=True)

    assert person.next_activity is not None
    assert (person.next_activity.type, person.next_activity.type_name) == ("call", "Call")
    assert standin.count("/api/v1/activityTypes") == 1  # cached like the directory


async def test_failing_activity_types_leave_the_type_key(
    standin: PipedriveStandIn, make_service: MakeService
) -> None:
    standin.misbehave("/api/v1/activityTypes", status=500, body=SERVER_ERROR)
    people, _ = make_service("v2")

    person = await people.person_card(1)

    assert person.next_activity == NEXT_ACTIVITY.model_copy(update={"type_name": None})


def fields_and_choice(count: int) -> tuple[list[CustomField], list[str]]:
    """`count` fields, and a choice naming each of them, in another order and case."""
    fields = [
        CustomField(key=f"{n:040x}", name=f"Field {n}", type="varchar", value=TextValue(text="x"))
        for n in range(count)
    ]
    return fields, [f"FIELD {n}" for n in reversed(range(count))]


def test_choosing_fields_costs_linear_time() -> None:
    fields, choice = fields_and_choice(3)
    assert select_fields(fields, choice) == tuple(reversed(fields))
    assert growth(lambda count: lambda: select_fields(*fields_and_choice(count)), 500) < 2.5
