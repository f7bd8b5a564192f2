"""The "Open in Pipedrive" URL button: Slack opens the link itself; we only ack the click."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from blocks import OPEN_ACTION_ID
from bot.logs import logged_request
from bot.slack.dependencies import Dependencies


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def open_in_pipedrive(ack: AsyncAck) -> None:
        async with logged_request("action", OPEN_ACTION_ID):
            await ack()

    app.action(OPEN_ACTION_ID)(open_in_pipedrive)
