"""The Home tab's "Disconnect" button: forget the viewer's connection, show the tab again."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.connections import Viewer
from bot.cards.readers import UserReaders
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.events.app_home import publish_home


@listener
async def disconnect_pipedrive(
    ack: AsyncAck,
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    await ack()
    if deps.connections is None:
        record.outcome = "disconnect_shared_token"
        return
    removed = await deps.connections.disconnect(viewer)
    if isinstance(deps.readers, UserReaders):
        deps.readers.forget(viewer)
    record.outcome = "disconnected" if removed else "not_connected"
    await publish_home(client, deps, viewer)
