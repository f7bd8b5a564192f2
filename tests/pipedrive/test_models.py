"""Wire shapes of both API versions map into the one domain model; lenient parsers never raise."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain import Embedded
from bot.pipedrive import (
    Activity,
    ActivityCounts,
    Contact,
    CurrentUser,
    DealCounts,
    Organization,
    Picture,
    User,
    wire,
)
from bot.pipedrive.wire import WireActivity, WireUser
from bot.pipedrive.wire_v1 import V1Organization, V1Person
from bot.pipedrive.wire_v2 import V2Organization, V2Person, V2Picture

from .examples import read_fixture

PICTURE_128 = (
    "https://pipedrive-profile-pics.s3.example.com/f8893852574273f2747bf6ef09d11cfb4ac8f269_128.jpg"
)
PICTURE_512 = (
    "https://pipedrive-profile-pics.s3.example.com/f8893852574273f2747bf6ef09d11cfb4ac8f269_512.jpg"
)
CUSTOM_KEY = "dcf558aac1ae4e8c4f849ba5e668430d8df9be12"


def data(name: str) -> Any:
    return read_fixture(name)["data"]


# -- v1: the seed person ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["person-1.json", "v1_GET_persons_id_200.json"])
def test_seed_person_maps_every_field_it_carries(name: str) -> None:
    person = V1Person.model_validate(data(name)).to_domain()

    assert person.id == 1
    assert person.name == "Will Smith"
    assert person.first_name == "Will"
    assert person.last_name == "Smith"
    assert person.emails == (Contact(value="12345@email.com", label="work", primary=True),)
    assert person.phones == (Contact(value="12345", label="work", primary=True),)
    assert person.owner_id == 123
    assert person.embedded.owner == User(id=123, name="Jane Doe", email="jane@pipedrive.com")
    assert person.org_id == 1234
    assert person.embedded.organization == Organization(
        id=1234, name="Org Name", address="Mustamäe tee 3a, 10615 Tallinn"
    )
    assert person.picture_id == 4
    assert person.embedded.picture == Picture(id=4, urls={128: PICTURE_128, 512: PICTURE_512})
    assert person.embedded.picture.best_url(512) == PICTURE_512
    assert person.next_activity_id == 128
    assert person.last_activity_id == 34
    assert person.last_activity_date == date(2019, 11, 28)
    assert person.label_ids == (1, 2, 3)
    assert person.deals == DealCounts(open=2, won=3, lost=1, closed=3)
    assert person.activities == ActivityCounts(total=1, done=1, undone=2)
    assert person.marketing_status == "no_consent"
    assert person.visible_to == 3
    assert person.is_deleted is False
    assert person.add_time == datetime(2017, 10, 18, 13, 23, 7, tzinfo=UTC)
    assert person.update_time == datetime(2020, 5, 8, 5, 30, 20, tzinfo=UTC)
    assert person.add_time.utcoffset() is not None
    assert person.custom_fields == {}


def test_v1_custom_fields_at_the_root_land_in_custom_fields() -> None:
    raw = data("person-1.json")
    raw[CUSTOM_KEY] = "Gold"
    raw["a" * 40] = {"value": 10, "currency": "EUR"}
    raw["not_a_hash_key_but_forty_characters_long"] = "ignored"
    raw["DCF558AAC1AE4E8C4F849BA5E668430D8DF9BE12"] = "not lower-case hex"

    person = V1Person.model_validate(raw).to_domain()

    assert person.custom_fields == {CUSTOM_KEY: "Gold", "a" * 40: {"value": 10, "currency": "EUR"}}


def test_v1_inactive_person_is_deleted() -> None:
    raw = data("person-1.json")
    raw["active_flag"] = False

    assert V1Person.model_validate(raw).to_domain().is_deleted is True


def test_v1_bare_ids_and_nulls_leave_related_records_unfetched() -> None:
    raw = data("person-1.json")
    raw.update(owner_id=123, org_id=None, picture_id=None)

    person = V1Person.model_validate(raw).to_domain()

    assert (person.owner_id, person.embedded.owner) == (123, None)
    assert (person.org_id, person.embedded.organization) == (None, None)
    assert (person.picture_id, person.embedded.picture) == (None, None)


def test_v1_picture_without_urls_is_no_picture() -> None:
    raw = data("person-1.json")
    raw["picture_id"] = {"value": 4, "pictures": {"128": "", "big": "x"}}

    person = V1Person.model_validate(raw).to_domain()

    assert person.picture_id == 4
    assert person.embedded.picture is None


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_blank_contact_placeholders_are_dropped(version: str) -> None:
    blank = [{"value": "", "primary": True}]
    spaces = [{"value": "   ", "primary": False, "label": "work"}, {"value": "5551234"}]
    if version == "v1":
        raw = data("person-1.json") | {"email": blank, "phone": spaces}
        person = V1Person.model_validate(raw).to_domain()
    else:
        raw = data("v2_GET_persons_id_200.json") | {"emails": blank, "phones": spaces}
        person = V2Person.model_validate(raw).to_domain()

    assert person.emails == ()
    assert person.phones == (Contact(value="5551234"),)


def test_zero_dates_are_none() -> None:
    raw = data("person-1.json") | {
        "add_time": "0000-00-00 00:00:00",
        "update_time": "0000-00-00 00:00:00",
        "last_activity_date": "0000-00-00",
    }

    person = V1Person.model_validate(raw).to_domain()

    assert person.add_time is None
    assert person.update_time is None
    assert person.last_activity_date is None


def test_numbers_sent_as_strings_are_numbers() -> None:
    raw = data("person-1.json") | {"open_deals_count": "5", "next_activity_id": "", "org_id": "9"}

    person = V1Person.model_validate(raw).to_domain()

    assert person.deals.open == 5
    assert person.next_activity_id is None
    assert (person.org_id, person.embedded.organization) == (9, None)


# -- v2 --------------------------------------------------------------------------------------


def _assert_v2_example_person(raw: dict[str, Any]) -> None:
    person = V2Person.model_validate(raw).to_domain()

    assert person.id == 1
    assert person.name == "Person Name"
    assert (person.first_name, person.last_name) == ("Person", "Name")
    assert person.job_title == "Manager"
    assert person.emails == (
        Contact(value="email1@email.com", label="work", primary=True),
        Contact(value="email2@email.com", label="home", primary=False),
    )
    assert person.phones == (
        Contact(value="12345", label="work", primary=True),
        Contact(value="54321", label="home", primary=False),
    )
    assert (person.owner_id, person.org_id, person.picture_id) == (1, 1, 1)
    # v2 sends bare ids: the related records are the people service's to fetch.
    assert person.embedded == Embedded()
    assert person.is_deleted is False
    assert person.visible_to == 7
    assert person.label_ids == (1, 2, 3)
    assert person.custom_fields == {}
    assert person.add_time == datetime(2021, 1, 1, tzinfo=UTC)
    assert person.update_time == datetime(2021, 1, 1, tzinfo=UTC)
    # Not asked for with include_fields in the example, so unknown rather than zero.
    assert person.next_activity_id is None
    assert person.deals == DealCounts()
    assert person.activities == ActivityCounts()


def test_v2_person_example_parses() -> None:
    _assert_v2_example_person(data("v2_GET_persons_id_200.json"))


@pytest.mark.parametrize("item", data("v2_GET_persons_200.json"))
def test_v2_person_list_items_parse(item: dict[str, Any]) -> None:
    _assert_v2_example_person(item)


def test_v2_include_fields_are_mapped() -> None:
    raw = data("v2_GET_persons_id_200.json") | {
        "next_activity_id": 128,
        "last_activity_id": 34,
        "open_deals_count": 2,
        "won_deals_count": 3,
        "lost_deals_count": 1,
        "closed_deals_count": 3,
        "activities_count": 1,
        "done_activities_count": 1,
        "undone_activities_count": 2,
    }

    person = V2Person.model_validate(raw).to_domain()

    assert (person.next_activity_id, person.last_activity_id) == (128, 34)
    assert person.deals == DealCounts(open=2, won=3, lost=1, closed=3)
    assert person.activities == ActivityCounts(total=1, done=1, undone=2)


def test_v2_custom_fields_are_kept_and_deleted_flag_read() -> None:
    fields = {CUSTOM_KEY: {"value": 10, "currency": "EUR"}, "b" * 40: [1, 2]}
    raw = data("v2_GET_persons_id_200.json") | {"custom_fields": fields, "is_deleted": True}

    person = V2Person.model_validate(raw).to_domain()

    assert person.custom_fields == fields
    assert person.is_deleted is True


def test_v2_times_with_offsets_are_utc() -> None:
    raw = data("v2_GET_persons_id_200.json") | {"add_time": "2021-01-01T02:00:00+02:00"}

    person = V2Person.model_validate(raw).to_domain()

    assert person.add_time == datetime(2021, 1, 1, tzinfo=UTC)
    assert person.add_time is not None and person.add_time.utcoffset() == UTC.utcoffset(None)


def test_v2_organization_example_parses() -> None:
    org = V2Organization.model_validate(data("v2_GET_organizations_id_200.json")).to_domain()

    assert org == Organization(id=1, name="Organization Name", address="123 Main St")


def test_v2_organization_without_address_has_none() -> None:
    raw = data("v2_GET_organizations_id_200.json") | {"address": None}

    assert V2Organization.model_validate(raw).to_domain().address is None


def _assert_v2_example_activity(raw: dict[str, Any]) -> None:
    activity = WireActivity.model_validate(raw).to_domain()

    assert activity == Activity(
        id=1,
        subject="Activity Subject",
        type="activity_type",
        due_date=date(2021, 1, 1),
        due_time=time(15, 0),
        duration_minutes=60,
        done=True,
    )
    assert activity.due_at == datetime(2021, 1, 1, 15, 0, tzinfo=UTC)


def test_v2_activity_example_parses() -> None:
    _assert_v2_example_activity(data("v2_GET_activities_id_200.json"))


@pytest.mark.parametrize("item", data("v2_GET_activities_200.json"))
def test_v2_activity_list_items_parse(item: dict[str, Any]) -> None:
    _assert_v2_example_activity(item)


def test_v2_picture_example_parses() -> None:
    picture = V2Picture.model_validate(data("v2_GET_persons_id_picture_200.json")).to_domain()

    assert picture == Picture(id=1, urls={128: PICTURE_128, 512: PICTURE_512})
    assert picture.best_url() == PICTURE_128
    assert picture.best_url(512) == PICTURE_512
    assert picture.best_url(64) == PICTURE_128  # the smallest there is
    assert Picture().best_url() is None


# -- v1 related records ----------------------------------------------------------------------


def test_v1_activity_example_parses() -> None:
    activity = WireActivity.model_validate(data("v1_GET_activities_id_200.json")).to_domain()

    assert activity == Activity(
        id=8,
        subject="Deadline",
        type="deadline",
        due_date=date(2020, 6, 9),
        due_time=time(10, 0),
        duration_minutes=60,
        done=False,
    )
    assert activity.due_at == datetime(2020, 6, 9, 10, 0, tzinfo=UTC)


def test_v1_organization_example_parses() -> None:
    org = V1Organization.model_validate(data("v1_GET_organizations_id_200.json")).to_domain()

    assert org == Organization(id=1, name="Bolt", address="Mustamäe tee 3a, 10615 Tallinn")


def test_v1_user_example_parses() -> None:
    user = WireUser.model_validate(data("v1_GET_users_id_200.json")).to_domain()

    assert user == User(id=2, name="Jane Doe", email="jane@pipedrive.com")


def test_v1_current_user_example_parses() -> None:
    me = CurrentUser.model_validate(data("v1_GET_users_me_200.json"))

    assert me.id == 1
    assert me.name == "Me"
    assert me.email == "me@pipedrive.com"
    assert me.company_name == "Pipedrive"
    assert me.company_domain == "pipedrive-12g53f"


@pytest.mark.parametrize("due_time", [None, ""])
@pytest.mark.parametrize(
    "fixture", ["v1_GET_activities_id_200.json", "v2_GET_activities_id_200.json"]
)
def test_all_day_activity_has_no_due_time(due_time: str | None, fixture: str) -> None:
    raw = data(fixture) | {"due_time": due_time}

    activity = WireActivity.model_validate(raw).to_domain()

    assert activity.due_date is not None
    assert activity.due_time is None
    assert activity.due_at is None


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("01:30", 90),
        ("01:30:00", 90),
        ("00:00", 0),
        ("", None),
        (None, None),
        ("90", None),
        ("1h30", None),
        ("01:²", None),
        ("-1:30", None),
    ],
)
def test_duration_in_minutes(duration: str | None, expected: int | None) -> None:
    assert wire.minutes(duration) == expected


# -- properties ------------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Strings that look almost right are where lenient parsers break.
NEAR_MISSES = st.sampled_from(
    [
        "²",
        "12³",
        "٣",
        "9" * 5000,
        "0000-00-00 00:00:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2021-02-30",
        "24:00:00",
        "11:30:00Z",
        "01:²",
        " 42 ",
        "nan",
    ]
)
ANYTHING = JSONISH | NEAR_MISSES
LENIENT_PARSERS = [
    wire._int_or_none,
    wire._str_or_none,
    wire._date_or_none,
    wire._time_or_none,
    wire._datetime_or_none,
]


@settings(max_examples=200, deadline=None)
@given(value=ANYTHING)
@example(value="²")
@example(value={"value": "²"})
@example(value="9" * 5000)
@example(value="0001-01-01T00:00:00+01:00")
@example(value="9999-12-31T23:59:59-01:00")
def test_lenient_parsers_never_raise(value: Any) -> None:
    for parse in LENIENT_PARSERS:
        parse(copy.deepcopy(value))


@settings(max_examples=200, deadline=None)
@given(value=st.text() | NEAR_MISSES | st.none())
@example(value="01:²")
@example(value="9" * 5000 + ":00")
def test_minutes_never_raises(value: str | None) -> None:
    result = wire.minutes(value)
    assert result is None or result >= 0


@settings(max_examples=200, deadline=None)
@given(pictures=st.dictionaries(st.text(max_size=6) | NEAR_MISSES, ANYTHING, max_size=4))
@example(pictures={"²": "https://example.com/a.jpg"})
def test_picture_urls_never_raises(pictures: dict[str, Any]) -> None:
    urls = wire.picture_urls(pictures)
    assert all(isinstance(url, str) and url for url in urls.values())


V2_PERSON_KEYS = [name for name in V2Person.model_fields if name != "id"]
V1_PERSON_KEYS = [name for name in V1Person.model_fields if name != "id"]
# v1 embeds related records as objects under the *_id keys; junk inside them is junk too.
V1_EMBEDDING = st.dictionaries(st.sampled_from(["value", "name", "email", "pictures"]), ANYTHING)


@settings(max_examples=300, deadline=None)
@given(junk=st.dictionaries(st.sampled_from(V2_PERSON_KEYS), ANYTHING))
@example(junk={"owner_id": "²"})
@example(junk={"add_time": "0001-01-01T00:00:00+01:00"})
@example(junk={"emails": [{"value": "a@b.c", "label": 7, "primary": None}]})
@example(junk={"emails": "a@b.c", "phones": ["555 1234"]})
@example(junk={"emails": {"value": "a@b.c"}, "phones": [7, None, [], True]})
def test_a_v2_person_with_junk_beside_its_id_always_maps(junk: dict[str, Any]) -> None:
    # A field the card can live without never fails the whole person.
    person = V2Person.model_validate({"id": 1, **junk}).to_domain()
    assert person.id == 1


@settings(max_examples=300, deadline=None)
@given(
    junk=st.dictionaries(st.sampled_from(V1_PERSON_KEYS), ANYTHING),
    embedded=st.dictionaries(st.sampled_from(["owner_id", "org_id", "picture_id"]), V1_EMBEDDING),
)
@example(junk={"email": "a@b.c", "phone": ["555 1234"]}, embedded={})
@example(junk={}, embedded={"picture_id": {"value": 4, "pictures": ["128"]}})
def test_a_v1_person_with_junk_beside_its_id_always_maps(
    junk: dict[str, Any], embedded: dict[str, Any]
) -> None:
    person = V1Person.model_validate({"id": 1, **junk, **embedded}).to_domain()
    assert person.id == 1


@settings(max_examples=200, deadline=None)
@given(junk=st.dictionaries(st.sampled_from(list(WireActivity.model_fields)), ANYTHING))
@example(junk={"duration": "01:²"})
def test_an_activity_with_junk_beside_its_id_always_maps(junk: dict[str, Any]) -> None:
    junk.pop("id", None)
    assert WireActivity.model_validate({"id": 1, **junk}).to_domain().id == 1


@settings(max_examples=200, deadline=None)
@given(junk=st.dictionaries(st.sampled_from(["name", "address"]), ANYTHING))
@example(junk={"address": "Mustamäe tee 3a"})
def test_an_organization_with_junk_beside_its_id_always_maps(junk: dict[str, Any]) -> None:
    assert V2Organization.model_validate({"id": 1, **junk}).to_domain().id == 1


@pytest.mark.parametrize(
    ("emails", "phones", "expected_emails", "expected_phones"),
    [
        ("will@acme.com", None, ("will@acme.com",), ()),
        (None, ["+372 555 1234", "555 4321"], (), ("+372 555 1234", "555 4321")),
        ({"value": "will@acme.com", "primary": True}, None, ("will@acme.com",), ()),
        ([{"value": "will@acme.com"}, 7, None, ["x"], True], [], ("will@acme.com", "7"), ()),
        (12, {"label": "work"}, ("12",), ()),
    ],
    ids=["email-string", "phone-strings", "email-object", "items-of-any-type", "odd-scalars"],
)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_mistyped_contact_list_keeps_what_it_can_and_the_person(
    version: str,
    emails: Any,
    phones: Any,
    expected_emails: tuple[str, ...],
    expected_phones: tuple[str, ...],
) -> None:
    if version == "v1":
        raw = data("person-1.json") | {"email": emails, "phone": phones}
        person = V1Person.model_validate(raw).to_domain()
    else:
        raw = data("v2_GET_persons_id_200.json") | {"emails": emails, "phones": phones}
        person = V2Person.model_validate(raw).to_domain()

    assert tuple(contact.value for contact in person.emails) == expected_emails
    assert tuple(contact.value for contact in person.phones) == expected_phones
