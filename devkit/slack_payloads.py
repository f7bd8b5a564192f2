"""Interaction payloads as Slack sends them, for the tests and the e2e harness: a message
shortcut, a modal's submission and a select menu's `block_suggestion` (shapes from Slack's
reference: docs.slack.dev/reference/interaction-payloads).

A submission's values are given the way `view.state.values` holds them; `text`, `picked`,
`day` and `clock` build one input's value.
"""

from __future__ import annotations

from typing import Any

TEAM = {"id": "T0TEAM01", "domain": "acme"}
APP = "A0APP01"


def user(user_id: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": user_id.lower(),
        "name": user_id.lower(),
        "team_id": TEAM["id"],
    }


def message_shortcut(
    *,
    user_id: str,
    channel: str,
    message: dict[str, Any],
    callback_id: str = "save_to_pipedrive",
    trigger_id: str = "111.222.shortcut",
    response_url: str = "https://hooks.slack.com/app/T0TEAM01/1/shortcut",
) -> dict[str, Any]:
    """`message_action`: the shortcut run on `message` (`{"type": "message", "user", "ts",
    "text"}`) in `channel`."""
    return {
        "type": "message_action",
        "token": "verification-token",
        "action_ts": "1767600000.000100",
        "team": TEAM,
        "user": user(user_id),
        "channel": {"id": channel, "name": "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message.get("ts"),
        "message": {"type": "message", **message},
    }


def view_submission(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, user_id: str
) -> dict[str, Any]:
    """The user submits `view` (as `views.open`/`views.update` answered it) with `values`."""
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": user(user_id),
        "api_app_id": APP,
        "token": "verification-token",
        "trigger_id": "111.222.submit",
        "view": {**view, "state": {"values": values}, "app_id": APP, "team_id": TEAM["id"]},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_suggestion(
    view: dict[str, Any], *, action_id: str, block_id: str, value: str, user_id: str
) -> dict[str, Any]:
    """The user typed `value` into the external select `action_id` of `view`."""
    return {
        "type": "block_suggestion",
        "user": user(user_id),
        "container": {"type": "view", "view_id": view.get("id")},
        "api_app_id": APP,
        "token": "verification-token",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": TEAM,
        "view": view,
    }


def text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def picked(value: str | None, *, kind: str = "static_select") -> dict[str, Any]:
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    )
    return {"type": kind, "selected_option": option}


def day(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def clock(value: str | None) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}
