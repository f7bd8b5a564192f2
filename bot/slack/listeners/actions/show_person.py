"""A search pick list's "Show" button: ack at once, then replace the list with the card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from blocks import SHOW_PERSON_ACTION_ID, stale_button_message
from bot.logs import logged_request
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import replace_with_card


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def show_person(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
        deps.in_flight.track()
        async with logged_request("action", SHOW_PERSON_ACTION_ID) as request:
            await ack()
            await replace_with_card(deps, action, respond, request, invalid=stale_button_message())

    app.action(SHOW_PERSON_ACTION_ID)(show_person)
