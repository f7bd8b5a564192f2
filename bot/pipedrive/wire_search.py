"""`GET /api/{v1,v2}/persons/search` results mapped into the domain model.

Both versions answer `data.items[].item` in the same shape: `emails` and `phones` are plain
strings, `organization` is `{id, name}`. An item that names no person is skipped, not an error.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from bot.domain import SearchHit
from bot.pipedrive.wire import LooseInt, LooseStr, WireModel, object_or_none


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else []
    # Plain strings in the documented shape; `{value: ...}` as the person endpoints send them.
    texts = [item.get("value") if isinstance(item, dict) else item for item in items]
    return [text.strip() for text in texts if isinstance(text, str) and text.strip()]


def _objects(value: Any) -> list[Any]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


LooseStrings = Annotated[list[str], BeforeValidator(_strings)]


class _Organization(WireModel):
    id: LooseInt = None
    name: LooseStr = None


class _PersonItem(WireModel):
    id: LooseInt = None
    type: LooseStr = None
    name: LooseStr = None
    emails: LooseStrings = Field(default_factory=list)
    organization: Annotated[_Organization | None, BeforeValidator(object_or_none)] = None

    def to_domain(self) -> SearchHit | None:
        if self.id is None or self.id < 1 or self.type not in (None, "person"):
            return None
        return SearchHit(
            id=self.id,
            name=self.name,
            organization_name=self.organization.name if self.organization else None,
            primary_email=self.emails[0] if self.emails else None,
        )


class _Result(WireModel):
    item: Annotated[_PersonItem | None, BeforeValidator(object_or_none)] = None


class WirePersonSearch(WireModel):
    items: Annotated[list[_Result], BeforeValidator(_objects)] = Field(default_factory=list)

    def to_domain(self) -> list[SearchHit]:
        """The hits in Pipedrive's order (best first), each person once."""
        hits: dict[int, SearchHit] = {}
        for result in self.items:
            hit = result.item.to_domain() if result.item else None
            if hit is not None:
                hits.setdefault(hit.id, hit)
        return list(hits.values())
