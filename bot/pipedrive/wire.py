"""Lenient parsers for the scalar shapes both API versions send.

Pipedrive mixes types freely ("3" and 3, "" and null, "0000-00-00 00:00:00"); a field the card
can live without should never fail a whole person, so these turn the odd ones into None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, JsonValue, ValidationError

from bot.domain import Activity, ActivityCounts, Contact, DealCounts, User

CUSTOM_FIELD_KEY = re.compile(r"^[0-9a-f]{40}$")
# v1 keeps a custom field's parts at the person's root too: "{key}_currency", "{key}_until"...
CUSTOM_FIELD_PART_KEY = re.compile(r"^[0-9a-f]{40}(?:_[a-z0-9_]+)?$")


class WireModel(BaseModel):
    """Base of every wire (API-shaped) model: unknown keys are ignored, not errors."""

    model_config = ConfigDict(extra="ignore")


_Item = TypeVar("_Item", bound=WireModel)


def valid_items(shape: type[_Item], items: Any) -> list[_Item]:
    """The items of a list that fit `shape`; one odd item (or a non-list) costs only itself."""
    found: list[_Item] = []
    for item in items if isinstance(items, list) else []:
        try:
            found.append(shape.model_validate(item))
        except ValidationError:
            continue
    return found


class WireFieldOption(WireModel):
    id: LooseStr = None
    label: LooseStr = None


def option_labels(options: Any) -> dict[str, str]:
    """A field's options as {option id: label}; incomplete ones are left out."""
    found = valid_items(WireFieldOption, options)
    return {option.id: option.label for option in found if option.id and option.label}


def _digits(text: str) -> int | None:
    try:
        return int(text) if text.strip().isdigit() else None
    except ValueError:  # "²" is a digit to isdigit() but not to int(); so is a 5000-digit string
        return None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return _digits(value)
    if isinstance(value, dict):  # v1 embeds {"value": id, ...} where v2 sends the bare id
        return _int_or_none(value.get("value", value.get("id")))
    return None


def _datetime_or_none(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.fromisoformat(value)
        # All API times are UTC; v1 sends them without an offset.
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: an offset pushing year 1/9999 out of range
        return None


def _date_or_none(value: Any) -> date | None:
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _time_or_none(value: Any) -> time | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _str_or_none(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _bool_or_none(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):  # v1 sends some flags as 0/1
        return bool(int(value))
    return None


def _int_list(value: Any) -> list[int]:
    items = value if isinstance(value, list) else []
    return [number for item in items if (number := _int_or_none(item)) is not None]


def _json_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def object_or_none(value: Any) -> Any:
    """For an optional nested model: anything but an object counts as missing."""
    return value if isinstance(value, dict) else None


LooseBool = Annotated[bool | None, BeforeValidator(_bool_or_none)]
LooseIntList = Annotated[list[int], BeforeValidator(_int_list)]
LooseObject = Annotated[dict[str, JsonValue], BeforeValidator(_json_object)]
LooseInt = Annotated[int | None, BeforeValidator(_int_or_none)]
LooseStr = Annotated[str | None, BeforeValidator(_str_or_none)]
LooseDate = Annotated[date | None, BeforeValidator(_date_or_none)]
LooseTime = Annotated[time | None, BeforeValidator(_time_or_none)]
LooseDateTime = Annotated[datetime | None, BeforeValidator(_datetime_or_none)]


def minutes(duration: str | None) -> int | None:
    """ "01:30" or "01:30:00" as minutes; None for blanks and nonsense."""
    if not duration:
        return None
    parts = duration.split(":")
    numbers = [number for number in map(_digits, parts) if number is not None]
    if len(parts) < 2 or len(numbers) != len(parts):
        return None
    return numbers[0] * 60 + numbers[1]


class WireContact(WireModel):
    value: LooseStr = None
    label: LooseStr = None
    primary: LooseBool = False


def _contact_items(value: Any) -> list[Any]:
    """A contact list as items: a lone address or object is a list of one; an item that is not
    an object is its value ("a@b.c" as {"value": "a@b.c"}), and one of no use is dropped later."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item if isinstance(item, dict) else {"value": item} for item in items]


# emails/phones (v2), email/phone (v1): a card can live without them, so they never fail it.
LooseContacts = Annotated[list[WireContact], BeforeValidator(_contact_items)]


def contacts(items: Iterable[WireContact] | None) -> tuple[Contact, ...]:
    """Contacts without the blank placeholders Pipedrive sends for "none" ([{"value": ""}])."""
    return tuple(
        Contact(value=item.value, label=item.label, primary=bool(item.primary))
        for item in items or ()
        if item.value
    )


def picture_urls(pictures: dict[str, Any] | None) -> dict[int, str]:
    """{"128": url, "512": url} as {128: url, 512: url}, keeping only strings under numeric keys."""
    urls: dict[int, str] = {}
    for size, url in (pictures or {}).items():
        pixels = _digits(str(size))
        if pixels is not None and isinstance(url, str) and url:
            urls[pixels] = url
    return urls


class WireActivity(WireModel):
    """An activity; v1 and v2 agree on the fields a card uses (v1 times are "HH:MM")."""

    id: int
    subject: LooseStr = None
    type: LooseStr = None
    due_date: LooseDate = None
    due_time: LooseTime = None
    duration: LooseStr = None
    done: LooseBool = False

    def to_domain(self) -> Activity:
        return Activity(
            id=self.id,
            subject=self.subject,
            type=self.type,
            due_date=self.due_date,
            due_time=self.due_time,
            duration_minutes=minutes(self.duration),
            done=bool(self.done),
        )


class WireCounts(WireModel):
    """Deal and activity counters, root-level in both versions (v2 only when asked for)."""

    open_deals_count: LooseInt = None
    won_deals_count: LooseInt = None
    lost_deals_count: LooseInt = None
    closed_deals_count: LooseInt = None
    activities_count: LooseInt = None
    done_activities_count: LooseInt = None
    undone_activities_count: LooseInt = None

    def deal_counts(self) -> DealCounts:
        return DealCounts(
            open=self.open_deals_count,
            won=self.won_deals_count,
            lost=self.lost_deals_count,
            closed=self.closed_deals_count,
        )

    def activity_counts(self) -> ActivityCounts:
        return ActivityCounts(
            total=self.activities_count,
            done=self.done_activities_count,
            undone=self.undone_activities_count,
        )


class WireUser(WireModel):
    """A user from `GET /api/v1/users/{id}` (there is no v2 users endpoint)."""

    id: int
    name: LooseStr = None
    email: LooseStr = None

    def to_domain(self) -> User:
        return User(id=self.id, name=self.name, email=self.email)


class WireActivityType(WireModel):
    key_string: LooseStr = None
    name: LooseStr = None
    active_flag: LooseBool = None  # absent: active


class WireActivityTypes(WireModel):
    """The whole body of `GET /api/v1/activityTypes` (there is no v2 endpoint)."""

    data: Any = None

    def names(self, *, active_only: bool = False) -> dict[str, str]:
        """Display names by type key ("call" → "Call"); `active_only`: without the types the
        company turned off (which old activities may still have)."""
        return {
            kind.key_string: kind.name
            for kind in valid_items(WireActivityType, self.data)
            if kind.key_string and kind.name and (kind.active_flag is not False or not active_only)
        }
