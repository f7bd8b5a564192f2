"""API v1 shapes (the seed's `GET /api/v1/persons/{id}`) mapped into the domain model.

v1 embeds the owner, organization and picture in the person, so one call fills most of a card.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from .models import Organization, Person, Picture, User
from .wire import (
    CUSTOM_FIELD_KEY,
    LooseBool,
    LooseDate,
    LooseDateTime,
    LooseInt,
    LooseIntList,
    LooseObject,
    LooseStr,
    WireContact,
    WireCounts,
    WireModel,
    contacts,
    picture_urls,
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
    pictures: dict[str, Any] | None = None


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
    email: list[WireContact] | None = None
    phone: list[WireContact] | None = None
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
        # v1 puts custom fields at the root, under their 40-character hash keys.
        data["custom_fields"] = {k: v for k, v in data.items() if CUSTOM_FIELD_KEY.match(k)}
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
            owner=User(id=owner.value, name=owner.name, email=owner.email)
            if owner and owner.value is not None
            else None,
            org_id=self.org_id,
            organization=Organization(id=org.value, name=org.name, address=org.address)
            if org and org.value is not None
            else None,
            picture_id=self.picture_id,
            picture=Picture(id=picture.value, urls=picture_urls(picture.pictures))
            if picture and picture_urls(picture.pictures)
            else None,
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
