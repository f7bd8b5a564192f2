"""The `/person` card's "Schedule follow-up" button: open the follow-up form for its person."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import invalid_card_button_message
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import clicked_person_id
from bot.slack.write_forms import open_follow_up_form


@listener
async def schedule_follow_up(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
) -> None:
    await ack()
    invalid = invalid_card_button_message()
    person_id = await clicked_person_id(action, respond, record, invalid=invalid)
    if person_id is None:
        return
    record.outcome = await open_follow_up_form(
        deps,
        client,
        trigger_id=str(body.get("trigger_id", "")),
        person_id=person_id,
        user=record.user,
        reference=record.request_id,
    )
