"""Custom fields: definitions from both APIs (all pages), and every value shape decoded by type."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import (
    BooleanValue,
    CustomField,
    DateValue,
    FieldDefinition,
    MoneyValue,
    NumberValue,
    Option,
    OptionsValue,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
)
from bot.pipedrive import PipedriveClient
from bot.pipedrive.client import FIELDS_PAGE_LIMIT
from bot.pipedrive.custom_fields import decode_custom_fields, decode_value, unknown_keys
from bot.pipedrive.wire import option_labels
from bot.pipedrive.wire_v1 import V1Person
from tests.complexity import growth

from .examples import read_fixture

VALUES: dict[str, Any] = read_fixture("custom-field-values.json")
KEY: str = VALUES["key"]
SHAPES: dict[str, dict[str, Any]] = VALUES["types"]
# Every field_type of the OpenAPI enum that the card shows.
RENDERED_TYPES = [
    "varchar", "text", "varchar_auto", "double", "int", "boolean", "phone", "date", "daterange",
    "time", "timerange", "enum", "set", "address", "monetary", "user", "org", "people",
]  # fmt: skip
OPTIONS = {"123": "Gold", "456": "Silver"}


def definition(
    kind: str, *, key: str = KEY, options: dict[str, str] | None = None
) -> FieldDefinition:
    return FieldDefinition(
        key=key, name=kind.title(), type=kind, options=options or {}, custom=True
    )


def v1_raw(shape: str) -> dict[str, Any]:
    """A v1 person's root entries for one field, as the migration guide shows them."""
    return dict(SHAPES[shape]["v1"])


def v2_raw(shape: str) -> dict[str, Any]:
    """A v2 person's `custom_fields` for one field, as the migration guide shows it."""
    return {KEY: copy.deepcopy(SHAPES[shape]["v2"])}


# -- definitions: GET /api/v2/personFields and /api/v1/personFields ---------------------------


async def test_v2_definitions_from_the_official_example(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    body = read_fixture("v2_GET_personFields_200.json")
    body["additional_data"]["next_cursor"] = None
    route = api.get("/api/v2/personFields").mock(return_value=httpx.Response(200, json=body))

    fields = await client.person_fields()

    assert fields == [
        FieldDefinition(key="name", name="Person Name", type="varchar"),
        FieldDefinition(key="phone", name="Phone", type="phone"),
        FieldDefinition(
            key="40characterhashforcustomfieldidentifier",
            name="Lead Source",
            type="enum",
            options={"1": "Inbound", "2": "Outbound"},
            custom=True,
        ),
    ]
    assert route.calls.last.request.url.params["limit"] == str(FIELDS_PAGE_LIMIT)


async def test_v1_definitions_from_the_official_example(
    api: respx.MockRouter, v1_client: PipedriveClient
) -> None:
    body = read_fixture("v1_GET_personFields_200.json")
    route = api.get("/api/v1/personFields").mock(return_value=httpx.Response(200, json=body))

    fields = await v1_client.person_fields()

    assert fields == [
        FieldDefinition(key="title", name="Title", type="varchar"),
        FieldDefinition(
            key="9dc80c50d78a15643bfc4ca79d76156a73a1ca0e",
            name="Customer Type",
            type="enum",
            options={"190": "Private person", "191": "Company", "192": "Government"},
            custom=True,  # v1 says so only through the 40-hex key
        ),
    ]
    assert route.call_count == 1
    assert route.calls.last.request.url.params["start"] == "0"


async def test_v2_definitions_follow_the_cursor_to_the_last_page(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    first = read_fixture("v2_GET_personFields_200.json")
    cursor = first["additional_data"]["next_cursor"]
    second = copy.deepcopy(first)
    second["data"] = [first["data"][2] | {"field_code": "b" * 40, "field_name": "Second page"}]
    second["additional_data"]["next_cursor"] = None
    route = api.get("/api/v2/personFields").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json=second)]
    )

    fields = await client.person_fields()

    assert [field.name for field in fields] == [
        "Person Name",
        "Phone",
        "Lead Source",
        "Second page",
    ]
    pages = [dict(call.request.url.params) for call in route.calls]
    assert pages == [
        {"limit": str(FIELDS_PAGE_LIMIT)},
        {"limit": str(FIELDS_PAGE_LIMIT), "cursor": cursor},
    ]


async def test_v1_definitions_follow_next_start_to_the_last_page(
    api: respx.MockRouter, v1_client: PipedriveClient
) -> None:
    first = read_fixture("v1_GET_personFields_200.json")
    first["additional_data"]["pagination"] |= {"more_items_in_collection": True, "next_start": 2}
    second = read_fixture("v1_GET_personFields_200.json")
    second["data"] = [second["data"][1] | {"key": "c" * 40, "name": "Second page"}]
    second["additional_data"]["pagination"]["start"] = 2
    route = api.get("/api/v1/personFields").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json=second)]
    )

    fields = await v1_client.person_fields()

    assert [field.name for field in fields] == ["Title", "Customer Type", "Second page"]
    assert [call.request.url.params["start"] for call in route.calls] == ["0", "2"]


async def test_a_cursor_that_comes_back_again_ends_the_reading(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    body = read_fixture("v2_GET_personFields_200.json")  # always the same next_cursor
    route = api.get("/api/v2/personFields").mock(return_value=httpx.Response(200, json=body))

    fields = await client.person_fields()

    assert route.call_count == 2
    assert len(fields) == 6  # both pages, then it stops instead of looping


async def test_odd_definition_items_cost_only_themselves(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    body = read_fixture("v2_GET_personFields_200.json")
    body["data"] = [
        "not an object",
        {"field_code": None, "field_type": "varchar"},
        {"field_code": "x", "field_type": "enum", "options": "junk", "field_name": None},
        *body["data"][2:],
    ]
    body["additional_data"] = "junk"
    api.get("/api/v2/personFields").mock(return_value=httpx.Response(200, json=body))

    fields = await client.person_fields()

    assert [(field.key, field.name, field.options) for field in fields] == [
        ("x", "", {}),
        (
            "40characterhashforcustomfieldidentifier",
            "Lead Source",
            {"1": "Inbound", "2": "Outbound"},
        ),
    ]


async def test_activity_types_by_key_from_the_official_example(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    body = read_fixture("v1_GET_activityTypes_200.json")
    body["data"].append({"key_string": None, "name": "No key"})
    api.get("/api/v1/activityTypes").mock(return_value=httpx.Response(200, json=body))

    assert await client.activity_types() == {"deadline": "Deadline", "call": "Call"}


async def test_v2_person_asks_for_option_labels(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(200, json=read_fixture("v2_GET_persons_id_200.json"))
    )

    await client.person(1)

    assert route.calls.last.request.url.params["include_option_labels"] == "true"


def test_v1_person_keeps_the_parts_of_custom_fields_beside_them() -> None:
    raw = read_fixture("person-1.json")["data"] | v1_raw("address") | v1_raw("monetary")

    person = V1Person.model_validate(raw).to_domain()

    assert person.custom_fields[f"{KEY}_formatted_address"] == (
        "530 5th Ave, New York, NY 10036, USA"
    )
    assert person.custom_fields[f"{KEY}_currency"] == "USD"
    assert "first_name" not in person.custom_fields


# -- values: every rendered type, in the v1 and the v2 shape ---------------------------------

GOLD = OptionsValue(options=(Option(id="123", label="Gold"),))
GOLD_AND_SILVER = OptionsValue(
    options=(Option(id="123", label="Gold"), Option(id="456", label="Silver"))
)
NEW_YORK = TextValue(text="530 5th Ave, New York, NY 10036, USA")

# (field type, migration guide example, value in v1, value in v2)
GUIDE_CASES = [
    ("varchar", "text", TextValue(text="my text value"), TextValue(text="my text value")),
    ("text", "text", TextValue(text="my text value"), TextValue(text="my text value")),
    ("varchar_auto", "text", TextValue(text="my text value"), TextValue(text="my text value")),
    ("double", "numeric", NumberValue(number=Decimal(500)), NumberValue(number=Decimal(500))),
    ("int", "numeric", NumberValue(number=Decimal(500)), NumberValue(number=Decimal(500))),
    (
        "monetary",
        "monetary",
        MoneyValue(amount=Decimal(500), currency="USD"),
        MoneyValue(amount=Decimal(500), currency="USD"),
    ),
    ("address", "address", NEW_YORK, NEW_YORK),
    (
        "enum",
        "enum",
        OptionsValue(options=(Option(id="123", label="Gold"),)),
        OptionsValue(options=(Option(id="123", label="Gold"),)),
    ),
    ("set", "set", GOLD_AND_SILVER, GOLD_AND_SILVER),
    (
        "user",
        "reference",
        ReferenceValue(target="user", id=1234),
        ReferenceValue(target="user", id=1234),
    ),
    (
        "org",
        "reference",
        ReferenceValue(target="organization", id=1234),
        ReferenceValue(target="organization", id=1234),
    ),
    (
        "people",
        "reference",
        ReferenceValue(target="person", id=1234),
        ReferenceValue(target="person", id=1234),
    ),
    ("date", "date", DateValue(start=date(2024, 1, 1)), DateValue(start=date(2024, 1, 1))),
    (
        "daterange",
        "daterange",
        DateValue(start=date(2024, 1, 1), end=date(2024, 2, 1)),
        DateValue(start=date(2024, 1, 1), end=date(2024, 2, 1)),
    ),
    (
        "time",
        "time",
        TimeValue(start=time(9)),
        TimeValue(start=time(9), timezone="Europe/London"),
    ),
    (
        "timerange",
        "timerange",
        TimeValue(start=time(9), end=time(11)),
        TimeValue(start=time(9), end=time(11), timezone="Europe/London"),
    ),
]


@pytest.mark.parametrize(("kind", "shape", "from_v1", "from_v2"), GUIDE_CASES)
def test_each_type_in_the_migration_guides_shapes(
    kind: str, shape: str, from_v1: object, from_v2: object
) -> None:
    field = definition(kind, options=OPTIONS)
    assert decode_value(field, v1_raw(shape)) == from_v1
    assert decode_value(field, v2_raw(shape)) == from_v2


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        # v2 with include_option_labels=true: the label travels with the id.
        ("enum", {"id": 123, "label": "Gold"}, GOLD),
        ("set", [{"id": 123, "label": "Gold"}, {"id": 456, "label": "Silver"}], GOLD_AND_SILVER),
        # An option defined since the definitions were read still shows its label.
        (
            "enum",
            {"id": 789, "label": "Bronze"},
            OptionsValue(options=(Option(id="789", label="Bronze"),)),
        ),
        # An option id nobody defines keeps its id for the card to name.
        ("enum", 789, OptionsValue(options=(Option(id="789"),))),
        ("set", "123, 456,123", GOLD_AND_SILVER),
        ("enum", 123.0, GOLD),
        # v1 embeds the user, organization or person it points at.
        (
            "user",
            {"id": 123, "name": "Jane Doe", "value": 123},
            ReferenceValue(target="user", id=123, name="Jane Doe"),
        ),
        (
            "org",
            {"name": "Org Name", "value": 1234},
            ReferenceValue(target="organization", id=1234, name="Org Name"),
        ),
        (
            "people",
            {"name": "Will Smith", "value": 1},
            ReferenceValue(target="person", id=1, name="Will Smith"),
        ),
        ("people", "9", ReferenceValue(target="person", id=9)),
        ("phone", "+372 555 0101", PhoneValue(number="+372 555 0101")),
        ("boolean", True, BooleanValue(value=True)),
        ("boolean", False, BooleanValue(value=False)),
        ("boolean", "0", BooleanValue(value=False)),
        ("double", 1234.5, NumberValue(number=Decimal("1234.5"))),
        ("double", "0.1", NumberValue(number=Decimal("0.1"))),
        ("monetary", {"value": 99.99, "currency": None}, MoneyValue(amount=Decimal("99.99"))),
        ("varchar", "  padded  ", TextValue(text="padded")),
        ("address", {"value": "Tallinn", "formatted_address": None}, TextValue(text="Tallinn")),
        ("date", "2024-01-01T00:00:00Z", DateValue(start=date(2024, 1, 1))),
        ("time", "09:30", TimeValue(start=time(9, 30))),
    ],
)
def test_other_shapes_of_values(kind: str, value: Any, expected: object) -> None:
    assert decode_value(definition(kind, options=OPTIONS), {KEY: value}) == expected


@pytest.mark.parametrize("kind", RENDERED_TYPES)
@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_empty_values_are_no_field(kind: str, value: Any) -> None:
    assert decode_value(definition(kind), {KEY: value}) is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("int", "lots"),
        ("double", True),
        ("double", "NaN"),
        ("monetary", {"value": "Infinity", "currency": "EUR"}),
        ("date", "0000-00-00"),
        ("date", "yesterday"),
        ("daterange", {"until": "2024-02-01"}),
        ("time", "25:00"),
        ("boolean", "maybe"),
        ("user", -1),
        ("org", "Org Name"),
        ("people", {"name": "No id"}),
        ("enum", {"label": "No id"}),
        ("user", "²"),
        ("people", "9" * 5000),
        ("deal", 12),  # a type the card does not show
    ],
)
def test_values_that_do_not_fit_their_type_are_left_out(kind: str, value: Any) -> None:
    assert decode_value(definition(kind), {KEY: value}) is None


def test_fields_come_in_definition_order_and_only_custom_ones() -> None:
    definitions = [
        FieldDefinition(key="name", name="Name", type="varchar"),
        definition("varchar", key="b" * 40),
        definition("enum", key="a" * 40, options=OPTIONS),
        definition("date", key="c" * 40),
    ]
    raw = {"a" * 40: "456", "b" * 40: "Text", "c" * 40: None, "name": "Will"}

    assert decode_custom_fields(raw, definitions) == (
        CustomField(key="b" * 40, name="Varchar", type="varchar", value=TextValue(text="Text")),
        CustomField(
            key="a" * 40,
            name="Enum",
            type="enum",
            value=OptionsValue(options=(Option(id="456", label="Silver"),)),
        ),
    )


def test_unknown_keys_are_the_valued_keys_no_definition_explains() -> None:
    definitions = [definition("monetary")]
    raw = v1_raw("monetary") | {"e" * 40: "new field", "f" * 40: None, "d" * 40 + "_until": ""}

    assert unknown_keys(raw, definitions) == {"e" * 40}
    assert unknown_keys(raw, [*definitions, definition("varchar", key="e" * 40)]) == set()


# -- junk never crashes ----------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["2024-01-01", "09:00", "1,2", "0000-00-00", "123", "", "  "]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["value", "id", "label", "name", "currency", "until", "formatted_address"]
            )
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)
parts = st.dictionaries(
    st.sampled_from(["", "_currency", "_until", "_formatted_address", "_timezone_name"]),
    json_values,
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from([*RENDERED_TYPES, "json", "deal", "varchar_options", ""]),
    options=st.dictionaries(st.text(max_size=4), st.text(max_size=10), max_size=3),
    values=parts,
)
def test_junk_values_never_crash(
    kind: str, options: dict[str, str], values: dict[str, Any]
) -> None:
    raw = {f"{KEY}{suffix}": value for suffix, value in values.items()}
    field = definition(kind, options=options)

    decoded = decode_value(field, raw)
    fields = decode_custom_fields(raw, [field])
    unknown_keys(raw, [field])

    if decoded is None:
        assert fields == ()
    else:
        assert fields == (CustomField(key=KEY, name=field.name, type=kind, value=decoded),)


# -- cost: linear in the input ---------------------------------------------------------------


def many_options(count: int) -> Callable[[], object]:
    """A set field with `count` options, every one chosen (twice, as a repeat would be)."""
    options = {str(n): f"Option {n}" for n in range(count)}
    chosen = [{"id": n, "label": f"Option {n}"} for n in range(count)] * 2
    field = definition("set", options=options)
    return lambda: decode_value(field, {KEY: chosen})


def many_v1_options(count: int) -> Callable[[], object]:
    field = definition("set")
    return lambda: decode_value(field, {KEY: ",".join(map(str, range(count)))})


def many_option_definitions(count: int) -> Callable[[], object]:
    options = [{"id": n, "label": f"Option {n}"} for n in range(count)]
    return lambda: option_labels(options)


def many_unknown_keys(count: int) -> Callable[[], object]:
    definitions = [definition("varchar", key=f"{n:040x}") for n in range(count)]
    raw = {f"{n:040x}": "x" for n in range(count, 2 * count)}
    return lambda: unknown_keys(raw, definitions)


@pytest.mark.parametrize(
    "work",
    [many_options, many_v1_options, many_option_definitions, many_unknown_keys],
    ids=["options", "v1-options", "option-labels", "unknown-keys"],
)
def test_decoding_costs_linear_time_in_its_input(
    work: Callable[[int], Callable[[], object]],
) -> None:
    # 15,000 options once froze the event loop for seconds: a quadratic loop grows 4x here.
    assert growth(work, 2000) < 2.5


def test_fifteen_thousand_options_decode_each_once() -> None:
    value = many_options(15_000)()
    assert isinstance(value, OptionsValue)
    assert len(value.options) == 15_000
