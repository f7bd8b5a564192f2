"""Modals: `views.open` with a click's trigger, `views.update` by the view's id, checked.

A trigger works once, for 3 seconds: a form opens at once with a "reading" view and is filled
in by `views.update` when Pipedrive has answered. Slack's refusals are logged, not raised.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import View

log = logging.getLogger(__name__)


async def open_view(
    slack: AsyncWebClient, trigger_id: str, view: View, *, reference: str
) -> str | None:
    """The id of the modal opened with `view`, or None when Slack refused (an expired trigger)."""
    try:
        response = await slack.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("request_id=%s views.open refused: %s", reference, _error(error))
        return None
    opened = response.get("view")
    view_id = opened.get("id") if isinstance(opened, dict) else None
    return view_id if isinstance(view_id, str) and view_id else None


async def update_view(slack: AsyncWebClient, view_id: str, view: View, *, reference: str) -> bool:
    """Replace the modal's content; False when Slack refused (the user closed it meanwhile)."""
    try:
        await slack.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        log.warning("request_id=%s views.update refused: %s", reference, _error(error))
        return False
    return True


def _error(error: SlackApiError) -> Any:
    data = error.response.data if isinstance(error.response.data, dict) else {}
    return data.get("error", "unknown_error")
