"""The "Save to Pipedrive" form, submitted: the note goes to Pipedrive; the ack says how it went."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.write_submissions import take_saved_message


@listener
async def saved_message_submitted(
    ack: AsyncAck,
    view: dict[str, Any],
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    reply = await take_saved_message(deps, view, viewer=viewer, reference=record.request_id)
    record.outcome = reply.outcome
    if reply.person_id is not None:
        record.details["person_id"] = reply.person_id
    await ack(**reply.ack)
