"""API v1 shapes (the seed's `GET /api/v1/persons/{id}`) mapped into the domain model.

v1 embeds the owner, organization and picture in the person, so one call fills most of a card.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from bot.domain import Embedded, FieldDefinition, Organization, Person, Picture, User
from bot.pipedrive.wire import (
    CUSTOM_FIELD_KEY,
    CUSTOM_FIELD_PART_KEY,
    LooseBool,
    LooseContacts,
    LooseDate,
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


class _EmbeddedOwner(WireModel):
    value: LooseInt = None
    name: LooseStr = None
    email: LooseStr = None


class _EmbeddedOrg(WireModel):
    value: LooseInt = None
    name: LooseStr = None
    address: LooseStr = None


class _EmbeddedPicture(WireModel):
    value: LooseInt = None
    pictures: LooseObject = Field(default_factory=dict)


def _embedded(value: Any) -> Any:
    # v1 sends an object where it knows the related record and a bare id (or null) otherwise.
    return value if isinstance(value, dict) else None


class V1Person(WireCounts):
    id: int
    name: LooseStr = None
    first_name: LooseStr = None
    last_name: LooseStr = None
    owner: _EmbeddedOwner | None = None
    owner_id: LooseInt = None
    org: _EmbeddedOrg | None = None
    org_id: LooseInt = None
    picture: _EmbeddedPicture | None = None
    picture_id: LooseInt = None
    email: LooseContacts = Field(default_factory=list)
    phone: LooseContacts = Field(default_factory=list)
    next_activity_id: LooseInt = None
    last_activity_id: LooseInt = None
    last_activity_date: LooseDate = None
    label_ids: LooseIntList = Field(default_factory=list)
    marketing_status: LooseStr = None
    visible_to: LooseInt = None
    active_flag: LooseBool = True
    add_time: LooseDateTime = None
    update_time: LooseDateTime = None
    custom_fields: LooseObject = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _split_embedded(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data["owner"] = _embedded(data.get("owner_id"))
        data["org"] = _embedded(data.get("org_id"))
        data["picture"] = _embedded(data.get("picture_id"))
        # v1 puts custom fields at the root, under their 40-character hash keys (and the parts
        # of monetary, range and address fields under "{key}_currency", "{key}_until"...).
        data["custom_fields"] = {k: v for k, v in data.items() if CUSTOM_FIELD_PART_KEY.match(k)}
        return data

    def to_domain(self) -> Person:
        owner = self.owner
        org = self.org
        picture = self.picture
        return Person(
            id=self.id,
            name=self.name,
            first_name=self.first_name,
            last_name=self.last_name,
            emails=contacts(self.email),
            phones=contacts(self.phone),
            owner_id=self.owner_id,
            org_id=self.org_id,
            picture_id=self.picture_id,
            embedded=Embedded(
                owner=User(id=owner.value, name=owner.name, email=owner.email)
                if owner and owner.value is not None
                else None,
                organization=Organization(id=org.value, name=org.name, address=org.address)
                if org and org.value is not None
                else None,
                picture=Picture(id=picture.value, urls=picture_urls(picture.pictures))
                if picture and picture_urls(picture.pictures)
                else None,
            ),
            next_activity_id=self.next_activity_id,
            last_activity_id=self.last_activity_id,
            last_activity_date=self.last_activity_date,
            label_ids=tuple(self.label_ids),
            deals=self.deal_counts(),
            activities=self.activity_counts(),
            marketing_status=self.marketing_status,
            visible_to=self.visible_to,
            is_deleted=self.active_flag is False,
            add_time=self.add_time,
            update_time=self.update_time,
            custom_fields=self.custom_fields,
        )


class V1Organization(WireModel):
    id: int
    name: LooseStr = None
    address: LooseStr = None

    def to_domain(self) -> Organization:
        return Organization(id=self.id, name=self.name, address=self.address)


class V1PersonField(WireModel):
    """One item of `GET /api/v1/personFields`; custom fields are the ones with a hash key."""

    key: LooseStr = None
    name: LooseStr = None
    field_type: LooseStr = None
    options: Any = None

    def to_domain(self) -> FieldDefinition | None:
        if not self.key or not self.field_type:
            return None
        return FieldDefinition(
            key=self.key,
            name=self.name or "",
            type=self.field_type,
            options=option_labels(self.options),
            custom=bool(CUSTOM_FIELD_KEY.match(self.key)),
        )


class _V1Pagination(WireModel):
    start: LooseInt = None
    more_items_in_collection: LooseBool = False
    next_start: LooseInt = None


class _V1PageInfo(WireModel):
    pagination: Annotated[_V1Pagination | None, BeforeValidator(object_or_none)] = None


class V1PersonFieldsPage(WireModel):
    """The whole body of one page of `GET /api/v1/personFields` (start/limit pagination)."""

    data: Any = None
    additional_data: Annotated[_V1PageInfo | None, BeforeValidator(object_or_none)] = None

    def definitions(self) -> list[FieldDefinition]:
        items = (field.to_domain() for field in valid_items(V1PersonField, self.data))
        return [item for item in items if item is not None]

    def next_start(self) -> int | None:
        """Where the next page starts, or None on the last page."""
        pagination = self.additional_data.pagination if self.additional_data else None
        if pagination is None or not pagination.more_items_in_collection:
            return None
        return pagination.next_start
