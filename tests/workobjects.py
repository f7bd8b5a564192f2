"""Work Object checks for every test that builds entity metadata.

slack_sdk's models (`slack_sdk.models.metadata`) check entity and field types only; the rest is
what docs.slack.dev/messaging/work-objects-implementation documents: the properties a custom
field may have and which types take which, value formats, and the limits of actions. Slack
documents no limit on the number of fields or the length of a value; `STRING_MAX` is the one
string limit it does document (a plain-text field is editable up to 3000 characters) and
`ENTITY_JSON_MAX` is this app's own budget, so that no person can make an entity grow without
bound.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.models.metadata import (
    CustomFieldType,
    EntityActionButton,
    EntityActions,
    EntityAttributes,
    EntityCustomField,
    EntityMetadata,
    EntityPayload,
    EntityTitle,
    EntityType,
    EntityUserField,
    EntityUserIDField,
    ExternalRef,
)

# "Supported properties for a field", plus `key` and `label` for custom fields.
FIELD_PROPERTIES = frozenset(
    {
        *("key", "label", "value", "type", "icon", "link", "tag_color", "format", "item_type"),
        *("image_url", "long", "slack_file", "alt_text", "user", "boolean", "entity_ref", "edit"),
    }
)
LINK_TYPES = frozenset({"string", "slack#/types/date", "slack#/types/timestamp"})
STRING_ONLY = frozenset({"icon", "tag_color", "format", "long"})
# "Defining actions in the metadata payload"
ACTION_PROPERTIES = frozenset({"text", "action_id", "value", "style", "url", "accessibility_label"})
PRIMARY_ACTIONS_MAX = 2
OVERFLOW_ACTIONS_MAX = 5
ACTION_ID_MAX = 255
ACTION_VALUE_MAX = 2000
ACTION_URL_MAX = 3000
ACCESSIBILITY_LABEL_MAX = 75
# entity.presentDetails, "Accepted properties for the error object"
ERROR_PROPERTIES = frozenset(
    {"status", "custom_message", "custom_title", "message_format", "actions"}
)
ERROR_STATUSES = frozenset(
    {"restricted", "internal_error", "not_found", "custom", "custom_partial_view", "timeout"}
    | {"edit_error"}
)
STRING_MAX = 3000
ENTITY_JSON_MAX = 20_000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def assert_valid_entity(entity: dict[str, Any], *, unfurl: bool) -> None:
    """`entity` is Work Object metadata Slack documents as valid: for `chat.unfurl` (`unfurl`,
    with the URL as shared) or for `entity.presentDetails` (without it)."""
    size = len(json.dumps(entity, ensure_ascii=False))
    assert size <= ENTITY_JSON_MAX, f"{size} characters of JSON"
    # to_dict() runs slack_sdk's validation; comparing shows keys the models do not know.
    assert entity_model(entity).to_dict() == entity
    assert entity["entity_type"] in EntityType
    assert ("app_unfurl_url" in entity) is unfurl
    assert _is_https(entity["url"]), entity["url"]
    ref = entity["external_ref"]
    assert isinstance(ref["id"], str) and ref["id"], ref
    payload = entity["entity_payload"]
    attributes = payload["attributes"]
    assert attributes["title"]["text"].strip(), attributes
    modified = attributes.get("metadata_last_modified")
    assert modified is None or _is_unix_seconds(modified), attributes
    fields = payload.get("custom_fields", [])
    for field in fields:
        assert_valid_custom_field(field)
    keys = [field["key"] for field in fields]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
    assert payload.get("display_order", []) == keys
    if "actions" in payload:
        assert_valid_actions(payload["actions"])
    for text in _strings(entity):
        assert len(text) <= STRING_MAX, f"{len(text)} characters: {text[:80]}…"


def assert_valid_custom_field(field: dict[str, Any]) -> None:
    """One custom field as the docs define it: its properties, and a value of its type."""
    assert set(field) <= FIELD_PROPERTIES, set(field) - FIELD_PROPERTIES
    assert field["key"] and field["label"].strip(), field
    kind = field["type"]
    assert kind in CustomFieldType, kind
    value = field.get("value")
    if kind == "string":
        assert isinstance(value, str) and value.strip(), field
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), field
    elif kind == "boolean":
        assert isinstance(value, bool), field
    elif kind == "slack#/types/email":
        assert isinstance(value, str) and _EMAIL.fullmatch(value), field
    elif kind == "slack#/types/date":
        assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), field
        date.fromisoformat(value)
    elif kind == "slack#/types/timestamp":
        assert _is_unix_seconds(value), field
    elif kind == "slack#/types/user":
        user = field["user"]
        assert len(set(user) & {"user_id", "text"}) == 1, field  # one or the other, never both
        assert "value" not in field, field
    if "link" in field:
        assert kind in LINK_TYPES and _is_https(field["link"]), field
    if STRING_ONLY & set(field):
        assert kind == "string", field


def assert_valid_actions(actions: dict[str, Any]) -> None:
    assert set(actions) <= {"primary_actions", "overflow_actions"}, actions
    assert len(actions.get("primary_actions", [])) <= PRIMARY_ACTIONS_MAX
    assert len(actions.get("overflow_actions", [])) <= OVERFLOW_ACTIONS_MAX
    for action in [*actions.get("primary_actions", []), *actions.get("overflow_actions", [])]:
        assert set(action) <= ACTION_PROPERTIES, action
        assert action["text"].strip(), action
        assert 0 < len(action["action_id"]) <= ACTION_ID_MAX, action
        assert len(action.get("value", "")) <= ACTION_VALUE_MAX, action
        assert len(action.get("accessibility_label", "")) <= ACCESSIBILITY_LABEL_MAX, action
        if "url" in action:
            assert _is_https(action["url"]) and len(action["url"]) <= ACTION_URL_MAX, action


def assert_valid_details_error(error: dict[str, Any]) -> None:
    """An `error` for `entity.presentDetails` as its reference page describes it."""
    assert set(error) <= ERROR_PROPERTIES, set(error) - ERROR_PROPERTIES
    assert error["status"] in ERROR_STATUSES, error
    for key in ("custom_message", "custom_title"):
        assert key not in error or (isinstance(error[key], str) and error[key].strip()), error
    if "actions" in error:
        for action in error["actions"]:
            assert {"text", "action_id"} <= set(action), action


def entity_model(entity: dict[str, Any]) -> EntityMetadata:
    """The entity read into slack_sdk's models; keys they do not know are dropped."""
    rest = dict(entity)
    payload = dict(rest.pop("entity_payload"))
    attributes = dict(payload.pop("attributes"))
    attributes["title"] = EntityTitle(**attributes["title"])
    actions = payload.pop("actions", None)
    return EntityMetadata(
        entity_type=rest.pop("entity_type"),
        url=rest.pop("url"),
        external_ref=ExternalRef(**rest.pop("external_ref")),
        entity_payload=EntityPayload(
            attributes=EntityAttributes(**attributes),
            custom_fields=[
                _custom_field_model(field) for field in payload.pop("custom_fields", [])
            ],
            actions=_actions_model(actions) if actions is not None else None,
            **payload,
        ),
        **rest,
    )


def _custom_field_model(field: dict[str, Any]) -> EntityCustomField:
    parts = dict(field)
    user = parts.get("user")
    if user is not None:
        parts["user"] = EntityUserIDField(**user) if "user_id" in user else EntityUserField(**user)
    return EntityCustomField(**parts)


def _actions_model(actions: dict[str, Any]) -> EntityActions:
    groups: dict[str, Any] = {
        group: [EntityActionButton(**action) for action in buttons]
        for group, buttons in actions.items()
    }
    return EntityActions(**groups)


def _is_https(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


def _is_unix_seconds(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
