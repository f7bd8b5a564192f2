"""The `/person` card's "Refresh" button: read the person again past the cache, replace the card.

The refreshed card says when it was read.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from blocks import invalid_card_button_message
from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import replace_with_card


@listener
async def refresh_person(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    await ack()
    await replace_with_card(
        deps, viewer, action, respond, record, invalid=invalid_card_button_message(), fresh=True
    )
