"""The "Connect Pipedrive" URL button: Slack opens the consent page itself; we only ack."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck

from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies


@listener
async def connect_pipedrive(ack: AsyncAck, deps: Dependencies, record: RequestRecord) -> None:
    await ack()
