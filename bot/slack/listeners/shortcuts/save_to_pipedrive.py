"""The "Save to Pipedrive" message shortcut: a form to save the message as a note on a person."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.saved_message import saved_message
from bot.slack.write_forms import FormRequest, open_save_form


@listener
async def save_to_pipedrive(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    await ack()
    message = saved_message(shortcut)
    if message is None:  # not a message shortcut, or one naming no message
        record.outcome = "invalid_input"
        return
    trigger_id = str(shortcut.get("trigger_id", ""))
    request = FormRequest(deps, client, trigger_id, viewer, record.request_id)
    record.outcome = await open_save_form(request, message)
