"""A person's raw custom field values, in either API version's shape, decoded by type.

v2 sends `custom_fields: {key: value}` with objects for the fields that have parts (monetary
`{value, currency}`, daterange `{value, until}`, time `{value, timezone_name}`, address
`{value, formatted_address, ...}`) and, asked with `include_option_labels=true`, enum and set
options as `{id, label}`. v1 sends them at the person's root: the value under the key, the parts
under "{key}_currency", "{key}_until", "{key}_formatted_address"; options as ids ("190" or
"1,2"); users, organizations and persons as embedded `{name, value}` objects or bare ids.
Decoding is total: a value that does not fit its type is left out, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from bot.domain import (
    BooleanValue,
    CustomField,
    DateValue,
    FieldDefinition,
    FieldValue,
    MoneyValue,
    NumberValue,
    Option,
    OptionsValue,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
)

TEXT_TYPES = frozenset({"varchar", "text", "varchar_auto", "varchar_options"})
NUMBER_TYPES = frozenset({"int", "double"})
OPTION_TYPES = frozenset({"enum", "set"})
REFERENCE_TARGETS: dict[str, Literal["user", "organization", "person"]] = {
    "user": "user",
    "org": "organization",
    "people": "person",
}


def decode_custom_fields(
    raw: Mapping[str, Any], definitions: Iterable[FieldDefinition]
) -> tuple[CustomField, ...]:
    """The custom fields that have a value, in definition order."""
    fields = []
    for definition in definitions:
        if not definition.custom:
            continue
        value = decode_value(definition, raw)
        if value is not None:
            fields.append(
                CustomField(
                    key=definition.key, name=definition.name, type=definition.type, value=value
                )
            )
    return tuple(fields)


def unknown_keys(raw: Mapping[str, Any], definitions: Iterable[FieldDefinition]) -> set[str]:
    """Keys holding a value that no definition explains (a field added since they were read)."""
    known = {definition.key for definition in definitions}
    return {
        key
        for key, value in raw.items()
        if not is_empty(value) and key not in known and key.split("_", 1)[0] not in known
    }


def is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def decode_value(definition: FieldDefinition, raw: Mapping[str, Any]) -> FieldValue | None:
    """The field's value in `raw` (a v2 `custom_fields` or the v1 root), or None."""
    value = raw.get(definition.key)
    if is_empty(value):
        return None

    def part(name: str) -> Any:
        # A v2 object carries its parts; v1 puts them beside the value.
        if isinstance(value, dict):
            return value.get(name)
        return raw.get(f"{definition.key}_{name}")

    kind = definition.type
    try:
        if kind in TEXT_TYPES:
            text = _text(value)
            return TextValue(text=text) if text else None
        if kind == "phone":
            number = _text(value)
            return PhoneValue(number=number) if number else None
        if kind == "address":
            address = _text(part("formatted_address")) or _text(value)
            return TextValue(text=address) if address else None
        if kind in NUMBER_TYPES:
            amount = _decimal(value)
            return NumberValue(number=amount) if amount is not None else None
        if kind == "monetary":
            amount = _decimal(value)
            if amount is None:
                return None
            return MoneyValue(amount=amount, currency=_text(part("currency")))
        if kind == "boolean":
            flag = _bool(value)
            return BooleanValue(value=flag) if flag is not None else None
        if kind in ("date", "daterange"):
            start = _date(value)
            if start is None:
                return None
            return DateValue(start=start, end=_date(part("until")) if kind == "daterange" else None)
        if kind in ("time", "timerange"):
            begins = _time(value)
            if begins is None:
                return None
            ends = _time(part("until")) if kind == "timerange" else None
            return TimeValue(start=begins, end=ends, timezone=_text(part("timezone_name")))
        if kind in OPTION_TYPES:
            options = _options(value, definition.options)
            return OptionsValue(options=options) if options else None
        if kind in REFERENCE_TARGETS:
            return _reference(REFERENCE_TARGETS[kind], value)
    except (ValueError, ArithmeticError):  # pydantic's ValidationError is a ValueError
        return None
    return None  # a type the card does not show (deal, lead, project, json, ...)


def _scalar(value: Any) -> Any:
    """The value itself, or the `value` inside a v2 object."""
    return value.get("value") if isinstance(value, dict) else value


def _text(value: Any) -> str | None:
    value = _scalar(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    return None


def _decimal(value: Any) -> Decimal | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips, not the binary expansion
    if not isinstance(value, int | str):
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _bool(value: Any) -> bool | None:
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = value.strip().lower()
    elif not isinstance(value, int | float):
        return None
    return {1: True, 0: False, "1": True, "0": False, "true": True, "false": False}.get(value)


def _date(value: Any) -> date | None:
    value = _scalar(value)
    if not isinstance(value, str) or value.startswith("0000"):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _time(value: Any) -> time | None:
    value = _scalar(value)
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def _option_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | str):
        return str(value).strip() or None
    return None


def _options(value: Any, labels: Mapping[str, str]) -> tuple[Option, ...]:
    """Chosen options from `{id, label}` objects, ids, lists of either, or v1's "1,2"."""
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    options: dict[str, Option] = {}  # by id: a repeated id is shown once, in linear time
    for item in items:
        label = None
        if isinstance(item, dict):
            label = _text(item.get("label"))
            item = item.get("id")
        option_id = _option_id(item)
        if option_id is None or option_id in options:
            continue
        options[option_id] = Option(id=option_id, label=label or labels.get(option_id))
    return tuple(options.values())


def _reference(
    target: Literal["user", "organization", "person"], value: Any
) -> ReferenceValue | None:
    """A bare id, or v1's embedded `{name, value}` (or `{id, name}`) object."""
    name = None
    if isinstance(value, dict):
        name = _text(value.get("name"))
        value = value.get("value", value.get("id"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return ReferenceValue(target=target, id=value, name=name)
