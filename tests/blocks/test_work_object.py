"""A person as a Work Object: the unfurl entity (full and compact), the details pane, its errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackObjectFormationError

from blocks import details_error, person_card, person_details_entity, person_entity
from bot.domain import (
    Activity,
    BooleanValue,
    CardDetail,
    Contact,
    CustomField,
    DateValue,
    DealCounts,
    FieldValue,
    MoneyValue,
    NumberValue,
    Option,
    OptionsValue,
    Organization,
    PersonCard,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
    User,
)
from tests.blocks.seed import card_of, seed_person, with_changes
from tests.blocks.test_custom_fields import fields as any_fields
from tests.blocks.test_person_card import persons
from tests.workobjects import (
    ENTITY_JSON_MAX,
    assert_valid_actions,
    assert_valid_custom_field,
    assert_valid_details_error,
    assert_valid_entity,
)

DOMAIN = "acme"
SHARED = "https://acme.pipedrive.com/person/1/?utm_source=slack#notes"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "slack" / "workobjects"
HOSTILE = "<!channel> Smith & Sons *b* <@U1>"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def unfurl(card: PersonCard, detail: CardDetail = "full", url: str = SHARED) -> dict[str, Any]:
    """The unfurl entity, checked as every test's is: valid, plain text."""
    entity = person_entity(card, company_domain=DOMAIN, app_unfurl_url=url, detail=detail)
    assert_valid_entity(entity, unfurl=True)
    assert_plain_text(entity)
    return entity


def details(card: PersonCard) -> dict[str, Any]:
    entity = person_details_entity(card, company_domain=DOMAIN)
    assert_valid_entity(entity, unfurl=False)
    assert_plain_text(entity)
    return entity


def assert_plain_text(entity: dict[str, Any]) -> None:
    """No field asks Slack to read its text as Markdown, so data text is never markup."""
    for field in entity["entity_payload"].get("custom_fields", []):
        assert "format" not in field, field


def custom_fields(entity: dict[str, Any]) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = entity["entity_payload"].get("custom_fields", [])
    return fields


def by_key(entity: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {field["key"]: field for field in custom_fields(entity)}


def title(entity: dict[str, Any]) -> str:
    return str(entity["entity_payload"]["attributes"]["title"]["text"])


OPEN_ACTION = {
    "primary_actions": [
        {
            "action_id": "open_in_pipedrive",
            "text": "Open in Pipedrive",
            "url": "https://acme.pipedrive.com/person/1",
            "value": "1",
        }
    ]
}
ATTRIBUTES = {
    "display_type": "Person",
    "metadata_last_modified": 1588915820,  # the seed's update_time, 2020-05-08 05:30:20 UTC
    "product_name": "Pipedrive",
    "title": {"text": "Will Smith"},
}
OWNER = {
    "key": "owner",
    "label": "Owner",
    "type": "slack#/types/user",
    "user": {"text": "Jane Doe"},
}
ORGANIZATION = {
    "key": "organization",
    "label": "Organization",
    "link": "https://acme.pipedrive.com/organization/1234",
    "type": "string",
    "value": "Org Name",
}


# -- the seed person -------------------------------------------------------------------------


def test_seed_person_full_unfurl() -> None:
    fields: list[dict[str, Any]] = [
        {
            "key": "email",
            "label": "Email",
            "type": "slack#/types/email",
            "value": "12345@email.com",
        },
        {"key": "phone", "label": "Phone", "type": "string", "value": "12345"},
        OWNER,
        ORGANIZATION,
        {
            "key": "next_activity",
            "label": "Next activity",
            "type": "string",
            "value": "Call about the renewal (Call)",
        },
        # 29 Nov 2019 11:30 UTC
        {
            "key": "next_activity_due",
            "label": "Due",
            "type": "slack#/types/timestamp",
            "value": 1575027000,
        },
        {"key": "open_deals", "label": "Open deals", "type": "integer", "value": 2},
    ]
    assert unfurl(seed_person()) == {
        "app_unfurl_url": SHARED,
        "entity_type": "slack#/entities/item",
        "external_ref": {"id": "1", "type": "person"},
        "url": "https://acme.pipedrive.com/person/1",
        "entity_payload": {
            "actions": OPEN_ACTION,
            "attributes": ATTRIBUTES,
            "custom_fields": fields,
            "display_order": [field["key"] for field in fields],
        },
    }


def test_seed_person_compact_unfurl_shows_owner_and_organization_only() -> None:
    entity = unfurl(seed_person(), "compact")
    assert entity["entity_payload"] == {
        "actions": OPEN_ACTION,
        "attributes": ATTRIBUTES,
        "custom_fields": [OWNER, ORGANIZATION],
        "display_order": ["owner", "organization"],
    }
    full = unfurl(seed_person())
    assert {key: value for key, value in entity.items() if key != "entity_payload"} == {
        key: value for key, value in full.items() if key != "entity_payload"
    }


def test_seed_person_details_show_the_whole_card() -> None:
    entity = details(seed_person())
    shown = [
        (field["key"], field["label"], field["type"], field.get("value", field.get("user")))
        for field in custom_fields(entity)
    ]
    assert shown == [
        ("email", "Email (work)", "slack#/types/email", "12345@email.com"),
        ("phone", "Phone (work)", "string", "12345"),
        ("owner", "Owner", "slack#/types/user", {"text": "Jane Doe"}),
        ("organization", "Organization", "string", "Org Name"),
        ("address", "Address", "string", "Mustamäe tee 3a, 10615 Tallinn"),
        ("next_activity", "Next activity", "string", "Call about the renewal (Call)"),
        ("next_activity_due", "Due", "slack#/types/timestamp", 1575027000),
        ("last_activity", "Last activity", "slack#/types/date", "2019-11-28"),
        ("open_deals", "Open deals", "integer", 2),
        ("won_deals", "Won deals", "integer", 3),
        ("lost_deals", "Lost deals", "integer", 1),
        ("updated", "Updated", "slack#/types/timestamp", 1588915820),
        ("added", "Added", "slack#/types/timestamp", 1508332987),  # 2017-10-18 13:23:07 UTC
    ]
    assert by_key(entity)["organization"]["link"] == "https://acme.pipedrive.com/organization/1234"
    assert entity["entity_payload"]["actions"] == OPEN_ACTION
    assert entity["entity_payload"]["attributes"] == ATTRIBUTES
    # The same entity as the unfurl's (Slack refuses details for another one), minus the link.
    shared = unfurl(seed_person())
    assert {key: entity[key] for key in ("entity_type", "url", "external_ref")} == {
        key: shared[key] for key in ("entity_type", "url", "external_ref")
    }
    assert "app_unfurl_url" not in entity


def test_the_link_is_kept_exactly_as_shared_and_the_url_is_canonical() -> None:
    for shared in (
        SHARED,
        "https://app.pipedrive.com/person/1",
        "https://ACME.pipedrive.com/person/1",
    ):
        entity = unfurl(seed_person(), url=shared)
        assert entity["app_unfurl_url"] == shared
        assert entity["url"] == "https://acme.pipedrive.com/person/1"


def test_open_in_pipedrive_is_the_cards_button() -> None:
    (buttons,) = [
        block
        for block in person_card(seed_person(), company_domain=DOMAIN)
        if block["type"] == "actions"
    ]
    card_button = buttons["elements"][0]
    for entity in (unfurl(seed_person()), unfurl(seed_person(), "compact"), details(seed_person())):
        (action,) = entity["entity_payload"]["actions"]["primary_actions"]
        assert action["text"] == card_button["text"]["text"]
        assert (action["action_id"], action["url"], action["value"]) == (
            card_button["action_id"],
            card_button["url"],
            card_button["value"],
        )


# -- what a compact unfurl never carries ------------------------------------------------------

PRIVATE = (
    "will@smith.example",
    "w.smith@example.com",
    "+372 555 0101",
    "3725550101",
    "jane@pipedrive.com",
)


def test_a_compact_unfurl_carries_no_email_address_or_phone_number() -> None:
    card = seed_person(
        emails=(
            Contact(value="will@smith.example", primary=True),
            Contact(value="w.smith@example.com", label="home"),
        ),
        phones=(Contact(value="+372 555 0101", primary=True, label="mobile"),),
        owner=User(id=123, email="jane@pipedrive.com"),  # no name: the card would show the email
    )
    compact = json.dumps(unfurl(card, "compact"))
    for private in (*PRIVATE, "@", "mailto:", "tel:", "Mustamäe", "renewal", "deals"):
        assert private not in compact
    assert by_key(unfurl(card, "compact"))["owner"]["user"] == {"text": "User 123"}
    full = json.dumps(unfurl(card))
    assert all(
        private in full for private in ("will@smith.example", "+372 555 0101", "jane@pipedrive.com")
    )


def without_private_parts(card: PersonCard) -> PersonCard:
    """The card with all a compact unfurl must not show removed."""
    organization = (
        card.organization.model_copy(update={"address": None}) if card.organization else None
    )
    owner = card.owner.model_copy(update={"email": None}) if card.owner else None
    return with_changes(
        card,
        emails=(),
        phones=(),
        job_title=None,
        deals=DealCounts(),
        add_time=None,
        last_activity_date=None,
        next_activity=None,
        fields=(),
        picture=None,
        organization=organization,
        owner=owner,
    )


# -- the next activity, deleted persons, times ------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "what", "due"),
    [
        (
            Activity(
                id=5,
                subject="Call",
                type_name="Call",
                due_date=date(2019, 11, 29),
                due_time=time(23, 30),
            ),
            "Call (Call)",
            {"type": "slack#/types/timestamp", "value": 1575070200},  # 29 Nov 2019 23:30 UTC
        ),
        (
            # All-day: the date as is, the same in every time zone (not a moment at midnight).
            Activity(id=5, subject="Conference", due_date=date(2019, 11, 29)),
            "Conference",
            {"type": "slack#/types/date", "value": "2019-11-29"},
        ),
        (
            Activity(id=5, type="meeting", due_date=date(1969, 11, 29), due_time=time(11, 30)),
            "(meeting)",
            {"type": "string", "value": "Sat 29 Nov 1969 11:30 UTC"},  # before 1970: no timestamp
        ),
        (Activity(id=5), "Activity 5", None),
    ],
)
def test_the_next_activity_and_when_it_is_due(
    activity: Activity, what: str, due: dict[str, Any] | None
) -> None:
    card = card_of(id=7, next_activity=activity)
    for entity in (unfurl(card), details(card)):
        fields = by_key(entity)
        assert fields["next_activity"]["value"] == what
        if due is None:
            assert "next_activity_due" not in fields
        else:
            assert {key: fields["next_activity_due"][key] for key in ("type", "value")} == due
            assert fields["next_activity_due"]["label"] == "Due"
    assert "next_activity" not in by_key(unfurl(card, "compact"))


def test_a_deleted_person_is_marked_in_the_title() -> None:
    assert title(unfurl(seed_person(is_deleted=True))) == "Will Smith (deleted)"
    assert title(details(seed_person(is_deleted=True))) == "Will Smith (deleted)"
    huge = seed_person(name="W" * 5000, is_deleted=True)
    assert title(unfurl(huge, "compact")) == "W" * 139 + "…" + " (deleted)"


@pytest.mark.parametrize(
    ("update_time", "modified"),
    [
        (datetime(2020, 5, 8, 5, 30, 20), 1588915820),  # naive: UTC, as every Pipedrive time
        (datetime(2020, 5, 8, 7, 30, 20, tzinfo=timezone(timedelta(hours=2))), 1588915820),
        (None, None),
        (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), None),
    ],
)
def test_metadata_last_modified_is_the_update_time(
    update_time: datetime | None, modified: int | None
) -> None:
    attributes = unfurl(card_of(id=7, update_time=update_time))["entity_payload"]["attributes"]
    assert attributes.get("metadata_last_modified") == modified


def test_a_sparse_person_is_a_title_and_a_link() -> None:
    entity = unfurl(card_of(id=7))
    assert entity["entity_payload"] == {
        "actions": {
            "primary_actions": [
                {
                    "action_id": "open_in_pipedrive",
                    "text": "Open in Pipedrive",
                    "url": "https://acme.pipedrive.com/person/7",
                    "value": "7",
                }
            ]
        },
        "attributes": {
            "display_type": "Person",
            "product_name": "Pipedrive",
            "title": {"text": "Person 7"},
        },
    }
    assert details(card_of(id=7))["entity_payload"] == entity["entity_payload"]


def test_ids_stand_in_for_owner_and_organization_not_fetched() -> None:
    fields = by_key(
        unfurl(card_of(id=7, owner=User(id=12), organization=Organization(id=34)), "compact")
    )
    assert fields["owner"]["user"] == {"text": "User 12"}
    assert fields["organization"]["value"] == "Organization 34"


# -- plain text -------------------------------------------------------------------------------


def test_data_text_goes_as_plain_text_neither_escaped_nor_formatted() -> None:
    card = card_of(
        id=7,
        name=HOSTILE,
        job_title=HOSTILE,
        owner=User(id=3, name=HOSTILE),
        organization=Organization(id=4, name=HOSTILE, address=f"{HOSTILE}\n10615  Tallinn"),
        phones=(Contact(value=HOSTILE, label=HOSTILE),),
        next_activity=Activity(id=5, subject=HOSTILE, type_name="Lunch & learn"),
        fields=(
            CustomField(key="a" * 40, name=HOSTILE, type="varchar", value=TextValue(text=HOSTILE)),
        ),
    )
    entity = details(card)
    fields = by_key(entity)
    assert title(entity) == HOSTILE
    assert fields["job_title"]["value"] == HOSTILE
    assert fields["owner"]["user"] == {"text": HOSTILE}
    assert fields["organization"]["value"] == HOSTILE
    assert fields["address"]["value"] == f"{HOSTILE} 10615 Tallinn"
    assert fields["phone"] == {
        "key": "phone",
        "label": f"Phone ({HOSTILE})",
        "type": "string",
        "value": HOSTILE,
    }
    assert fields["next_activity"]["value"] == f"{HOSTILE} (Lunch & learn)"
    assert fields["field_1"] == {
        "key": "field_1",
        "label": HOSTILE,
        "type": "string",
        "value": HOSTILE,
    }
    text = json.dumps(entity)
    assert "&amp;" not in text and "&lt;" not in text


def test_only_what_slack_takes_as_an_email_address_is_an_email_field() -> None:
    emails = (
        "not an <address>",
        "a@b",
        "jane@@example.com",
        "jane@example.com ",
        "x" * 400 + "@example.com",
    )
    fields = custom_fields(
        details(card_of(id=7, emails=tuple(Contact(value=email) for email in emails)))
    )
    assert [(field["type"], field["value"]) for field in fields] == [
        ("string", "not an <address>"),
        ("string", "a@b"),
        ("string", "jane@@example.com"),
        ("slack#/types/email", "jane@example.com"),
        ("string", ("x" * 400 + "@example.com")[:299] + "…"),
    ]


# -- contacts and custom fields in the details pane -------------------------------------------


def test_primary_contacts_come_first_and_long_lists_end_in_how_many_more() -> None:
    emails = (
        Contact(value="a@x.io", label="home"),
        Contact(value="b@x.io", primary=True),
        *(Contact(value=f"user{i}@example.com") for i in range(298)),
    )
    fields = custom_fields(details(card_of(id=7, emails=emails, phones=(Contact(value=" "),))))
    assert [(field["key"], field["label"], field["value"]) for field in fields] == [
        ("email", "Email", "b@x.io"),
        ("email_2", "Email (home)", "a@x.io"),
        ("email_3", "Email", "user0@example.com"),
        ("email_4", "Email", "user1@example.com"),
        ("email_5", "Email", "user2@example.com"),
        ("emails", "More emails", "+295 more in Pipedrive"),
    ]
    assert by_key(unfurl(card_of(id=7, emails=emails)))["email"]["value"] == "b@x.io"


def custom(value: FieldValue, name: str = "Field") -> CustomField:
    return CustomField(key="a" * 40, name=name, type="varchar", value=value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (
            TextValue(text="Gold  customer\nsince 2019"),
            {"type": "string", "value": "Gold customer since 2019"},
        ),
        (PhoneValue(number="+372 555 0101"), {"type": "string", "value": "+372 555 0101"}),
        (NumberValue(number=Decimal("-3")), {"type": "integer", "value": -3}),
        (NumberValue(number=Decimal("12.000")), {"type": "integer", "value": 12}),
        (NumberValue(number=Decimal("1234567.50")), {"type": "string", "value": "1,234,567.5"}),
        (NumberValue(number=Decimal(2**53)), {"type": "string", "value": "9,007,199,254,740,992"}),
        (NumberValue(number=Decimal("1e30")), {"type": "string", "value": "1E+30"}),
        (
            MoneyValue(amount=Decimal(2300), currency="EUR"),
            {"type": "string", "value": "2,300 EUR"},
        ),
        (MoneyValue(amount=Decimal("99.90")), {"type": "string", "value": "99.9"}),
        (
            BooleanValue(value=True),
            {
                "type": "boolean",
                "value": True,
                "boolean": {"type": "text", "true_text": "Yes", "false_text": "No"},
            },
        ),
        (
            BooleanValue(value=False),
            {
                "type": "boolean",
                "value": False,
                "boolean": {"type": "text", "true_text": "Yes", "false_text": "No"},
            },
        ),
        (DateValue(start=date(2024, 1, 1)), {"type": "slack#/types/date", "value": "2024-01-01"}),
        (
            DateValue(start=date(2024, 1, 1), end=date(2024, 2, 1)),
            {"type": "string", "value": "Mon 01 Jan 2024 – Thu 01 Feb 2024"},
        ),
        (TimeValue(start=time(9)), {"type": "string", "value": "09:00"}),
        (
            TimeValue(start=time(9), end=time(11, 30), timezone="Europe/London"),
            {"type": "string", "value": "09:00–11:30 (Europe/London)"},
        ),
        (
            OptionsValue(options=(Option(id="1", label="Support"), Option(id="3", label="Sales"))),
            {"type": "string", "value": "Support, Sales"},
        ),
        (OptionsValue(options=(Option(id="12"),)), {"type": "string", "value": "Option 12"}),
        (
            ReferenceValue(target="user", id=123, name="Jane Doe"),
            {"type": "string", "value": "Jane Doe"},
        ),
        (ReferenceValue(target="user", id=12), {"type": "string", "value": "User 12"}),
        (
            ReferenceValue(target="organization", id=7, name="Org Name"),
            {
                "type": "string",
                "value": "Org Name",
                "link": "https://acme.pipedrive.com/organization/7",
            },
        ),
        (
            ReferenceValue(target="person", id=9),
            {"type": "string", "value": "Person 9", "link": "https://acme.pipedrive.com/person/9"},
        ),
    ],
)
def test_each_custom_field_value_is_its_closest_work_object_type(
    value: FieldValue, shown: dict[str, Any]
) -> None:
    (field,) = custom_fields(details(card_of(id=7, fields=(custom(value),))))
    assert field == {"key": "field_1", "label": "Field", **shown}


def test_custom_fields_without_a_value_are_left_out() -> None:
    card = card_of(
        id=7,
        fields=(
            custom(TextValue(text=" \n ")),
            custom(OptionsValue(options=())),
            custom(TextValue(text="Gold"), name=" "),
        ),
    )
    assert custom_fields(details(card)) == [
        {"key": "field_3", "label": "Unnamed field", "type": "string", "value": "Gold"}
    ]


def test_field_keys_and_option_ids_never_show_where_a_name_exists() -> None:
    key = "5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f"
    field = CustomField(
        key=key,
        name="Customer Type",
        type="enum",
        value=OptionsValue(options=(Option(id="191", label="Company"),)),
    )
    entity = details(card_of(id=7, fields=(field,)))
    assert custom_fields(entity) == [
        {"key": "field_1", "label": "Customer Type", "type": "string", "value": "Company"}
    ]
    assert key not in json.dumps(entity) and "191" not in json.dumps(entity)


def test_custom_fields_never_reach_an_unfurl() -> None:
    card = seed_person(fields=(custom(TextValue(text="Gold")),))
    assert "field_1" not in by_key(unfurl(card)) and "field_1" not in by_key(
        unfurl(card, "compact")
    )


def test_two_hundred_huge_fields_show_ten_and_how_many_more() -> None:
    fields = tuple(custom(TextValue(text="x" * 3000), name=f"Field {n}") for n in range(200))
    shown = custom_fields(details(card_of(id=7, fields=fields)))
    assert [field["key"] for field in shown] == [
        *(f"field_{n}" for n in range(1, 11)),
        "more_fields",
    ]
    assert shown[0]["value"] == "x" * 499 + "…"
    assert shown[-1] == {
        "key": "more_fields",
        "label": "More fields",
        "type": "string",
        "value": "+190 more in Pipedrive",
    }


def test_the_largest_person_stays_within_the_budget() -> None:
    huge = "&<" * 2500
    card = card_of(
        id=10**12,
        name=huge,
        job_title=huge,
        emails=tuple(
            Contact(value="x" * 240 + f"{i:04}@example.com", label=huge) for i in range(300)
        ),
        phones=tuple(Contact(value=huge, label=huge) for _ in range(300)),
        owner=User(id=1, name=huge),
        organization=Organization(id=2, name=huge, address=huge),
        next_activity=Activity(id=3, subject=huge, type_name=huge),
        last_activity_date=date(2019, 11, 28),
        deals=DealCounts(open=10**9, won=10**9, lost=10**9),
        is_deleted=True,
        update_time=datetime(9999, 12, 31, tzinfo=UTC),
        add_time=datetime(9999, 12, 31, tzinfo=UTC),
        fields=tuple(
            custom(
                OptionsValue(options=tuple(Option(id=str(n), label=huge) for n in range(50))),
                name=huge,
            )
            for _ in range(200)
        ),
    )
    entity = details(card)  # within ENTITY_JSON_MAX, or it fails here
    assert (
        len(json.dumps(entity, ensure_ascii=False)) > ENTITY_JSON_MAX // 2
    )  # the budget is not slack


# -- errors for the details pane --------------------------------------------------------------


@pytest.mark.parametrize("status", ["restricted", "not_found", "internal_error", "timeout"])
def test_details_error_is_the_documented_shape(status: Any) -> None:
    assert details_error(status) == {"status": status}
    assert_valid_details_error(details_error(status))


def test_details_error_message_is_plain_one_line_and_clipped() -> None:
    error = details_error("restricted", "  Ask an admin\nto connect *Pipedrive*  ")
    assert error == {
        "status": "restricted",
        "custom_message": "Ask an admin to connect *Pipedrive*",
    }
    assert details_error("timeout", " \n ") == {"status": "timeout"}
    long = details_error("internal_error", "x" * 1000)
    assert long["custom_message"] == "x" * 299 + "…"
    for shown in (error, long):
        assert_valid_details_error(shown)
        assert "message_format" not in shown  # plain text, not Markdown


# -- the shapes Slack documents ----------------------------------------------------------------


def test_entities_have_the_top_level_keys_of_slacks_examples() -> None:
    (documented_unfurl,) = fixture("chat_unfurl_metadata_schema.json")["metadata"]["entities"]
    documented_details = fixture("entity_presentDetails_metadata_miro_file.json")
    assert set(unfurl(seed_person())) == set(documented_unfurl)
    assert set(details(seed_person())) == set(documented_details) | {"url"}
    assert set(unfurl(seed_person())["external_ref"]) == set(documented_unfurl["external_ref"])
    documented_attributes = fixture("entity_attributes_full.json")["attributes"]
    assert set(ATTRIBUTES) <= set(documented_attributes)


def test_the_details_event_names_the_person_by_our_external_ref() -> None:
    event = fixture("entity_details_requested_event.json")["event"]
    entity = unfurl(seed_person())
    assert set(entity["external_ref"]) == set(event["external_ref"])
    # What the app reads back from the event: the person id, as text.
    assert int(entity["external_ref"]["id"]) == seed_person().person.id


def test_booleans_and_dates_take_the_documented_form() -> None:
    documented = fixture("task_entity_editable_fields.json")["entity_payload"]["fields"]
    (boolean,) = custom_fields(details(card_of(id=7, fields=(custom(BooleanValue(value=True)),))))
    assert set(boolean["boolean"]) == set(documented["completed"]["boolean"])
    assert documented["due_date"]["type"] == "slack#/types/date"
    assert (
        date.fromisoformat(documented["due_date"]["value"]).isoformat()
        == documented["due_date"]["value"]
    )


def test_the_checker_accepts_slacks_own_examples() -> None:
    for field in fixture("item_entity_custom_fields_example.json")["custom_fields"]:
        assert_valid_custom_field(field)
    for name, field in fixture("task_entity_editable_fields.json")["entity_payload"][
        "fields"
    ].items():
        if "type" in field:
            assert_valid_custom_field({"key": name, "label": name, **field})
    assert_valid_actions(fixture("entity_actions_example.json")["actions"])
    assert_valid_details_error(fixture("presentDetails_edit_error.json")["error"])
    assert_valid_details_error(fixture("presentDetails_error_custom_partial_view.json")["error"])


def _break(path: str, change: Any) -> dict[str, Any]:
    """The seed's details entity with one change at `path` ("a.b.0.c"; `None` deletes)."""
    entity: dict[str, Any] = json.loads(json.dumps(details(seed_person())))
    *parents, last = path.split(".")
    node: Any = entity
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if change is None:
        del node[key]
    else:
        node[key] = change
    return entity


@pytest.mark.parametrize(
    "broken",
    [
        _break("entity_payload.attributes.title.text", " "),
        _break("entity_payload.custom_fields.0.type", "slack#/types/person"),
        _break("entity_payload.custom_fields.0.value", "not an address"),
        _break("entity_payload.custom_fields.1.format", "markdown"),
        _break("entity_payload.custom_fields.1.colour", "red"),
        _break("entity_payload.custom_fields.7.value", "28/11/2019"),
        _break("entity_payload.custom_fields.8.value", "2"),
        _break("entity_payload.custom_fields.8.link", "https://acme.pipedrive.com/deal/1"),
        _break("entity_payload.custom_fields.2.value", "Jane Doe"),
        _break("entity_payload.custom_fields.1.key", "email"),
        _break("entity_payload.display_order", ["email"]),
        _break("entity_payload.actions.primary_actions", [OPEN_ACTION["primary_actions"][0]] * 3),
        _break("entity_payload.attributes.metadata_last_modified", -1),
        _break("entity_type", "slack#/entities/person"),
        _break("external_ref.id", 1),
        _break("app_unfurl_url", SHARED),
        _break("entity_payload.custom_fields.4.value", "x" * 20_000),
    ],
)
def test_the_checker_rejects_broken_entities(broken: dict[str, Any]) -> None:
    with pytest.raises((AssertionError, SlackObjectFormationError)):
        assert_valid_entity(broken, unfurl=False)
        assert_plain_text(broken)


# -- any person at all ------------------------------------------------------------------------

cards = st.builds(lambda card, fields: with_changes(card, fields=fields), persons, any_fields)


@settings(max_examples=150, deadline=None)
@given(card=cards)
def test_any_person_gives_valid_work_objects(card: PersonCard) -> None:
    full = unfurl(card)
    compact = unfurl(card, "compact")
    details(card)
    assert set(by_key(compact)) <= {"owner", "organization"}
    assert title(full) == title(compact)
    # A compact unfurl does not depend on anything private: emails, phones, activities, deals,
    # custom fields, the organization's address or the owner's email.
    assert compact == unfurl(without_private_parts(card), "compact")


def test_bidirectional_controls_never_reach_a_work_object() -> None:
    spoof = "Will \u202emoc.live@nhoj\u202e Smith"
    card = seed_person(name=spoof)
    for entity in (unfurl(card), person_details_entity(card, company_domain=DOMAIN)):
        text = json.dumps(entity, ensure_ascii=False)
        assert "\u202e" not in text
        assert "Will moc.live@nhoj Smith" in text
