"""A search pick list's "Show" button: ack at once, then replace the list with the card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from blocks import stale_button_message
from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import replace_with_card


@listener
async def show_person(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    await ack()
    await replace_with_card(deps, viewer, action, respond, record, invalid=stale_button_message())
