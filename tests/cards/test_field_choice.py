"""PERSON_CARD_FIELDS entries that name no field, found before anyone wonders why."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.cards.field_choice import names_field, unmatched_field_names
from bot.domain import FieldDefinition
from devkit.harness import FIXTURES


def definitions() -> list[FieldDefinition]:
    """Pipedrive's own personFields example (v2): built-in and custom fields."""
    body = json.loads((FIXTURES / "pipedrive" / "v2_GET_personFields_200.json").read_text())
    return [
        FieldDefinition(
            key=item["field_code"],
            name=item["field_name"],
            type=item["field_type"],
            custom=item.get("is_custom_field") is True,
        )
        for item in body["data"]
    ]


def custom_field() -> FieldDefinition:
    return next(field for field in definitions() if field.custom)


def test_names_in_any_case_and_keys_match() -> None:
    field = custom_field()
    choice = [field.name.upper(), f"  {field.name.lower()} ", field.key, field.key.upper()]
    assert unmatched_field_names(choice, definitions()) == []


def test_names_that_match_nothing_are_returned_in_their_order_as_written() -> None:
    field = custom_field()
    choice = ["Custmer Type", field.name, "contract VALUE "]
    assert unmatched_field_names(choice, definitions()) == ["Custmer Type", "contract VALUE "]


def test_a_built_in_field_does_not_count_as_a_match() -> None:
    built_in = next(field for field in definitions() if not field.custom)
    assert unmatched_field_names([built_in.name], definitions()) == [built_in.name]


def test_without_definitions_every_name_is_unmatched() -> None:
    assert unmatched_field_names(["A", "B"], []) == ["A", "B"]
    assert unmatched_field_names([], definitions()) == []


@given(st.text(min_size=1).filter(lambda text: text.strip()))
def test_a_field_is_always_named_by_its_own_name_padded_or_not_and_by_its_key(name: str) -> None:
    assert names_field(name, key="9dc80c50d78a15643bfc4ca79d76156a73a1ca0e", name=name)
    assert names_field(f"  {name}\t", key="9dc80c50d78a15643bfc4ca79d76156a73a1ca0e", name=name)
    assert names_field(
        "9DC80C50D78A15643BFC4CA79D76156A73A1CA0E",
        key="9dc80c50d78a15643bfc4ca79d76156a73a1ca0e",
        name=name,
    )
