"""The domain model every layer works with: no I/O, no Slack, no HTTP.

Both Pipedrive API versions are mapped into these classes at the client's edge (`wire_v1`,
`wire_v2`), so nothing past the client knows which version answered. `PersonCard` is what the
use case (`bot.cards`) assembles and `blocks` renders; `Failure` is what it returns instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

# How much of a person a card shows: everything, or only name, picture, owner and organization.
CardDetail = Literal["full", "compact"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _one_line(raw: str | None) -> str | None:
    collapsed = " ".join(raw.split()) if raw else ""
    return collapsed or None


class Contact(_Model):
    """An email address or phone number with its label ("work", "home", ...)."""

    value: str
    label: str | None = None
    primary: bool = False


class User(_Model):
    """A Pipedrive user, such as a person's owner."""

    id: int
    name: str | None = None
    email: str | None = None


class Organization(_Model):
    id: int
    name: str | None = None
    address: str | None = None


class Picture(_Model):
    """Profile picture URLs by size in pixels (128, 512)."""

    id: int | None = None
    urls: dict[int, str] = Field(default_factory=dict)

    def best_url(self, size: int = 128) -> str | None:
        """The URL of the given size, else the smallest one there is."""
        if size in self.urls:
            return self.urls[size]
        return self.urls[min(self.urls)] if self.urls else None


class Activity(_Model):
    """A calendar activity. `due_time` is UTC; no `due_time` means an all-day activity."""

    id: int
    subject: str | None = None
    type: str | None = None
    type_name: str | None = None
    due_date: date | None = None
    due_time: time | None = None
    duration_minutes: int | None = None
    done: bool = False

    @property
    def due_at(self) -> datetime | None:
        """The due moment in UTC, or None when the activity is all-day or undated."""
        if self.due_date is None or self.due_time is None:
            return None
        return datetime.combine(self.due_date, self.due_time, tzinfo=UTC)

    def is_overdue(self, now: datetime) -> bool:
        """Not done and past due: a timed activity by its moment, an all-day one by its date.

        An all-day activity is overdue only once its date is before today (UTC), so it is
        never overdue on its own day. A naive `now` is taken as UTC.
        """
        if self.done or self.due_date is None:
            return False
        now = now.replace(tzinfo=UTC) if now.utcoffset() is None else now
        if self.due_at is not None:
            return self.due_at < now
        return self.due_date < now.astimezone(UTC).date()


class DealCounts(_Model):
    open: int | None = None
    won: int | None = None
    lost: int | None = None
    closed: int | None = None


class ActivityCounts(_Model):
    total: int | None = None
    done: int | None = None
    undone: int | None = None


class FieldDefinition(_Model):
    """A person field as the company defines it: its key in person records, name and type.

    `options` maps option ids (as text) to labels for enum and set fields.
    """

    key: str
    name: str
    type: str
    options: dict[str, str] = Field(default_factory=dict)
    custom: bool = False


class TextValue(_Model):
    """varchar, text, varchar_auto and address (its formatted form)."""

    kind: Literal["text"] = "text"
    text: str


class PhoneValue(_Model):
    kind: Literal["phone"] = "phone"
    number: str


class NumberValue(_Model):
    """int and double."""

    kind: Literal["number"] = "number"
    number: Decimal


class MoneyValue(_Model):
    kind: Literal["money"] = "money"
    amount: Decimal
    currency: str | None = None


class BooleanValue(_Model):
    kind: Literal["boolean"] = "boolean"
    value: bool


class DateValue(_Model):
    """date, or daterange with its `end`: calendar dates, the same in every time zone."""

    kind: Literal["date"] = "date"
    start: date
    end: date | None = None


class TimeValue(_Model):
    """time, or timerange with its `end`: wall-clock times in `timezone` when Pipedrive names it."""

    kind: Literal["time"] = "time"
    start: time
    end: time | None = None
    timezone: str | None = None


class Option(_Model):
    """A chosen option of an enum or set field; `label` is None when the id is not defined."""

    id: str
    label: str | None = None


class OptionsValue(_Model):
    """enum (one option) and set (several)."""

    kind: Literal["options"] = "options"
    options: tuple[Option, ...]


class ReferenceValue(_Model):
    """A user, organization or person the field points at; `name` once it is known."""

    kind: Literal["reference"] = "reference"
    target: Literal["user", "organization", "person"]
    id: int
    name: str | None = None


FieldValue = Annotated[
    TextValue
    | PhoneValue
    | NumberValue
    | MoneyValue
    | BooleanValue
    | DateValue
    | TimeValue
    | OptionsValue
    | ReferenceValue,
    Field(discriminator="kind"),
]


class CustomField(_Model):
    """A custom field with a value, ready to show: named, typed, option ids made labels."""

    key: str
    name: str
    type: str
    value: FieldValue


class Embedded(_Model):
    """Related records a person read already carried (API v1 embeds them; v2 sends bare ids)."""

    owner: User | None = None
    organization: Organization | None = None
    picture: Picture | None = None


class Person(_Model):
    """A Pipedrive person as read: its own fields and the ids of the records around it."""

    id: int
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    emails: tuple[Contact, ...] = ()
    phones: tuple[Contact, ...] = ()
    owner_id: int | None = None
    org_id: int | None = None
    picture_id: int | None = None
    next_activity_id: int | None = None
    last_activity_id: int | None = None
    last_activity_date: date | None = None
    label_ids: tuple[int, ...] = ()
    deals: DealCounts = DealCounts()
    activities: ActivityCounts = ActivityCounts()
    marketing_status: str | None = None
    visible_to: int | None = None
    is_deleted: bool = False
    add_time: datetime | None = None
    update_time: datetime | None = None
    custom_fields: dict[str, JsonValue] = Field(default_factory=dict)
    embedded: Embedded = Embedded()

    @property
    def display_name(self) -> str:
        """The name to show: the name, else first and last name, else "Person 12"."""
        full_name = " ".join(filter(None, (_one_line(self.first_name), _one_line(self.last_name))))
        return _one_line(self.name) or full_name or f"Person {self.id}"


class PersonCard(_Model):
    """A person with the records around it, as every card, unfurl and details pane shows them.

    `owner` and `organization` are set whenever the person has one: named when their read
    succeeded, else only their id. `picture`, `next_activity` and `last_activity_date` are None
    when there is none or their read failed or came too late. `fields`: the custom fields to
    show, named and decoded.
    """

    person: Person
    owner: User | None = None
    organization: Organization | None = None
    picture: Picture | None = None
    next_activity: Activity | None = None
    last_activity_date: date | None = None
    fields: tuple[CustomField, ...] = ()


class FailureKind(StrEnum):
    """Why a person (or a search) could not be shown; also the log's outcome word."""

    NOT_FOUND = "not_found"  # no such person, or not visible to whoever asked
    NOT_CONNECTED = "not_connected"  # PIPEDRIVE_AUTH=oauth: the asker has not connected Pipedrive
    AUTH = "auth"  # Pipedrive refused the credentials
    FORBIDDEN = "forbidden"  # the credentials may not read this (or the account is not open)
    RATE_LIMITED = "rate_limited"  # Pipedrive's burst limit; `retry_after` says when
    UNAVAILABLE = "unavailable"  # Pipedrive down, slow, or answering garbage
    BAD_REQUEST = "bad_request"  # Pipedrive refused the request itself (HTTP 400)
    MISSING_SCOPE = "missing_scope"  # the OAuth app lacks the scope (403 "Scope and URL mismatch")
    BUG = "bug"  # our own failure; `reference` is in the log beside the traceback


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    person_id: int | None = None
    retry_after: float | None = None
    reference: str | None = None


class SearchHit(_Model):
    """A person found by a search: enough to tell same-named people apart in a pick list."""

    id: int
    name: str | None = None
    organization_name: str | None = None
    primary_email: str | None = None


@dataclass(frozen=True)
class SearchResults:
    """The persons a search found, best first; `more`: Pipedrive found more than `hits`."""

    term: str
    hits: tuple[SearchHit, ...]
    more: bool = False


class NewActivity(_Model):
    """An activity to create: `due_time` is UTC, and with no `due_time` it is all-day.

    `org_id` links the person's organization too; `owner_id` None leaves the activity to the
    Pipedrive user whose credentials create it.
    """

    subject: str
    # An activity type's key ("call"), as `GET /v1/activityTypes` names it; None: Pipedrive's
    # default type.
    type: str | None = None
    person_id: int
    org_id: int | None = None
    due_date: date
    due_time: time | None = None
    duration_minutes: int | None = Field(default=None, ge=1)
    owner_id: int | None = None
