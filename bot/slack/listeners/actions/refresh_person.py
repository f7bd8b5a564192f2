"""The `/person` card's "Refresh" button: read the person again past the cache, replace the card.

The refreshed card says when it was read.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from blocks import REFRESH_ACTION_ID, invalid_card_button_message
from bot.logs import logged_request
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import replace_with_card


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def refresh_person(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
        deps.in_flight.track()
        async with logged_request("action", REFRESH_ACTION_ID) as request:
            await ack()
            await replace_with_card(
                deps, action, respond, request, invalid=invalid_card_button_message(), fresh=True
            )

    app.action(REFRESH_ACTION_ID)(refresh_person)
