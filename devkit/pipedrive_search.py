"""`GET /api/{v1,v2}/persons/search` for the Pipedrive stand-in, answered from its own records.

A term matches a person's name, email or phone when it is part of it (not case sensitive), or
when it is all of it with `exact_match=true`. Deleted persons are not found, as in Pipedrive.
Answers have the official example's shape (see `tests/fixtures/pipedrive/v*_persons_search_*`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

SEARCH_PATH = re.compile(r"^/api/(v1|v2)/persons/search$")
_PERSON_PATH = re.compile(r"^/api/(v1|v2)/persons/([0-9]+)$")
_ALL_FIELDS = "name,email,phone,notes,custom_fields"
_LIMIT_DEFAULT = 100
_LIMIT_MAX = 500


def bad_request(error: str) -> dict[str, Any]:
    return {
        "success": False,
        "error": error,
        "error_info": "Please check the request.",
        "data": None,
    }


def search_response(
    records: Mapping[str, Any], version: str, query: Mapping[str, str]
) -> tuple[int, dict[str, Any]]:
    """The status and body Pipedrive would answer to this search over `records`."""
    term = query.get("term", "").strip()
    exact = query.get("exact_match", "false").lower() == "true"
    if len(term) < (1 if exact else 2):
        return 400, bad_request("Search term must be at least 2 characters long")
    try:
        limit = int(query.get("limit", _LIMIT_DEFAULT))
        start = int(query.get("start" if version == "v1" else "cursor", "0") or "0")
    except ValueError:
        return 400, bad_request("limit, start and cursor must be whole numbers")
    if not (1 <= limit <= _LIMIT_MAX and start >= 0):
        return 400, bad_request(f"limit must be 1 to {_LIMIT_MAX}")
    fields = set(query.get("fields", _ALL_FIELDS).split(","))
    found = [
        _item(records, version, person)
        for person in _persons(records, version)
        if _matches(person, version, term.casefold(), exact=exact, fields=fields)
    ]
    page = found[start : start + limit]
    more = start + limit < len(found)
    if version == "v1":
        pages: dict[str, Any] = {
            "pagination": {"start": start, "limit": limit, "more_items_in_collection": more}
        }
    else:
        pages = {"next_cursor": str(start + limit) if more else None}
    return 200, {"success": True, "data": {"items": page}, "additional_data": pages}


def _persons(records: Mapping[str, Any], version: str) -> Iterator[dict[str, Any]]:
    by_id: dict[int, dict[str, Any]] = {}
    for path, body in records.items():
        match = _PERSON_PATH.match(path)
        data = body.get("data") if isinstance(body, dict) else None
        if match and match.group(1) == version and isinstance(data, dict):
            if data.get("is_deleted") is not True and data.get("active_flag") is not False:
                by_id[int(match.group(2))] = data
    for person_id in sorted(by_id):
        yield by_id[person_id]


def _values(person: dict[str, Any], key: str) -> list[str]:
    items = person.get(key)
    values = [item.get("value") for item in items if isinstance(item, dict)] if items else []
    return [value for value in values if isinstance(value, str) and value]


def _emails(person: dict[str, Any], version: str) -> list[str]:
    return _values(person, "email" if version == "v1" else "emails")


def _phones(person: dict[str, Any], version: str) -> list[str]:
    return _values(person, "phone" if version == "v1" else "phones")


def _matches(
    person: dict[str, Any], version: str, term: str, *, exact: bool, fields: set[str]
) -> bool:
    candidates: list[str] = []
    if "name" in fields and isinstance(person.get("name"), str):
        candidates.append(person["name"])
    if "email" in fields:
        candidates += _emails(person, version)
    if "phone" in fields:
        candidates += _phones(person, version)
    return any(
        value.casefold() == term if exact else term in value.casefold() for value in candidates
    )


def _related_id(value: Any) -> int | None:
    # v1 embeds {"value": id, "name": ...}; v2 sends the bare id.
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _organization(records: Mapping[str, Any], version: str, person: dict[str, Any]) -> Any:
    org = person.get("org_id")
    org_id = _related_id(org)
    if org_id is None:
        return None
    if isinstance(org, dict):
        name = org.get("name")
    else:
        body = records.get(f"/api/{version}/organizations/{org_id}")
        data = body.get("data") if isinstance(body, dict) else None
        name = data.get("name") if isinstance(data, dict) else None
    return {"id": org_id, "name": name, "address": None}


def _item(records: Mapping[str, Any], version: str, person: dict[str, Any]) -> dict[str, Any]:
    owner_id = _related_id(person.get("owner_id"))
    return {
        "result_score": 1.0,
        "item": {
            "id": person.get("id"),
            "type": "person",
            "name": person.get("name"),
            "phones": _phones(person, version),
            "emails": _emails(person, version),
            "visible_to": person.get("visible_to"),
            "owner": {"id": owner_id} if owner_id is not None else None,
            "organization": _organization(records, version, person),
            "custom_fields": [],
            "notes": [],
        },
    }
