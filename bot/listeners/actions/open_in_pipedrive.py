"""The "Open in Pipedrive" URL button: Slack opens the link itself; we only ack the click."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from ...dependencies import Dependencies
from ...logs import logged_request


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def open_in_pipedrive(ack: AsyncAck) -> None:
        async with logged_request("action", "open_in_pipedrive"):
            await ack()

    app.action("open_in_pipedrive")(open_in_pipedrive)
