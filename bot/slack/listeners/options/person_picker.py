"""The person picker's options, for what the user has typed so far."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.person_picker import suggested_people


@listener
async def person_suggestions(
    ack: AsyncAck,
    body: dict[str, Any],
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    options, record.outcome = await suggested_people(
        deps, body, viewer=viewer, reference=record.request_id
    )
    await ack(options=options)
