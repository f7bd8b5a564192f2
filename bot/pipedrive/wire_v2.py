"""API v2 shapes mapped into the domain model.

v2 sends bare ids for the owner, organization and picture; the people service fetches those.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from bot.domain import FieldDefinition, Organization, Person, Picture
from bot.pipedrive.wire import (
    LooseBool,
    LooseContacts,
    LooseDateTime,
    LooseInt,
    LooseIntList,
    LooseObject,
    LooseStr,
    WireCounts,
    WireModel,
    contacts,
    object_or_none,
    option_labels,
    picture_urls,
    valid_items,
)

# Extra person fields v2 only sends when asked for by name.
PERSON_INCLUDE_FIELDS = (
    "next_activity_id",
    "last_activity_id",
    "open_deals_count",
    "closed_deals_count",
    "won_deals_count",
    "lost_deals_count",
    "activities_count",
    "done_activities_count",
    "undone_activities_count",
)


class _Address(WireModel):
    value: LooseStr = None


class V2Person(WireCounts):
    id: int
    name: LooseStr = None
    first_name: LooseStr = None
    last_name: LooseStr = None
    job_title: LooseStr = None
    owner_id: LooseInt = None
    org_id: LooseInt = None
    picture_id: LooseInt = None
    emails: LooseContacts = Field(default_factory=list)
    phones: LooseContacts = Field(default_factory=list)
    next_activity_id: LooseInt = None
    last_activity_id: LooseInt = None
    label_ids: LooseIntList = Field(default_factory=list)
    marketing_status: LooseStr = None
    visible_to: LooseInt = None
    is_deleted: LooseBool = False
    add_time: LooseDateTime = None
    update_time: LooseDateTime = None
    custom_fields: LooseObject = Field(default_factory=dict)

    def to_domain(self) -> Person:
        return Person(
            id=self.id,
            name=self.name,
            first_name=self.first_name,
            last_name=self.last_name,
            job_title=self.job_title,
            emails=contacts(self.emails),
            phones=contacts(self.phones),
            owner_id=self.owner_id,
            org_id=self.org_id,
            picture_id=self.picture_id,
            next_activity_id=self.next_activity_id,
            last_activity_id=self.last_activity_id,
            label_ids=tuple(self.label_ids),
            deals=self.deal_counts(),
            activities=self.activity_counts(),
            marketing_status=self.marketing_status,
            visible_to=self.visible_to,
            is_deleted=self.is_deleted is True,
            add_time=self.add_time,
            update_time=self.update_time,
            custom_fields=self.custom_fields,
        )


class V2Organization(WireModel):
    id: int
    name: LooseStr = None
    address: Annotated[_Address | None, BeforeValidator(object_or_none)] = None

    def to_domain(self) -> Organization:
        return Organization(
            id=self.id, name=self.name, address=self.address.value if self.address else None
        )


class V2Picture(WireModel):
    id: LooseInt = None
    pictures: LooseObject = Field(default_factory=dict)

    def to_domain(self) -> Picture:
        return Picture(id=self.id, urls=picture_urls(self.pictures))


class V2PersonField(WireModel):
    """One item of `GET /api/v2/personFields`."""

    field_code: LooseStr = None
    field_name: LooseStr = None
    field_type: LooseStr = None
    options: Any = None
    is_custom_field: LooseBool = False

    def to_domain(self) -> FieldDefinition | None:
        if not self.field_code or not self.field_type:
            return None
        return FieldDefinition(
            key=self.field_code,
            name=self.field_name or "",
            type=self.field_type,
            options=option_labels(self.options),
            custom=self.is_custom_field is True,
        )


class _V2PageInfo(WireModel):
    next_cursor: LooseStr = None


class V2PersonFieldsPage(WireModel):
    """The whole body of one page of `GET /api/v2/personFields` (cursor pagination)."""

    data: Any = None
    additional_data: Annotated[_V2PageInfo | None, BeforeValidator(object_or_none)] = None

    def definitions(self) -> list[FieldDefinition]:
        items = (field.to_domain() for field in valid_items(V2PersonField, self.data))
        return [item for item in items if item is not None]

    def next_cursor(self) -> str | None:
        return self.additional_data.next_cursor if self.additional_data else None
