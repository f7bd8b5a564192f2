"""API v2 shapes mapped into the domain model.

v2 sends bare ids for the owner, organization and picture; the people service fetches those.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .models import Organization, Person, Picture
from .wire import (
    LooseBool,
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
    emails: list[WireContact] | None = None
    phones: list[WireContact] | None = None
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
    address: _Address | None = None

    def to_domain(self) -> Organization:
        return Organization(
            id=self.id, name=self.name, address=self.address.value if self.address else None
        )


class V2Picture(WireModel):
    id: LooseInt = None
    pictures: dict[str, Any] | None = None

    def to_domain(self) -> Picture:
        return Picture(id=self.id, urls=picture_urls(self.pictures))
