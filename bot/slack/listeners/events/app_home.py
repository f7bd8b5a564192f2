"""The Home tab (`app_home_opened`): published for the viewer, with their own connection."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from blocks import home_view
from bot.cards.connections import Viewer
from bot.cards.oauth_states import PendingConnect
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies


@listener
async def app_home_opened(
    event: dict[str, Any],
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    if event.get("tab") not in (None, "home"):
        record.outcome = "not_the_home_tab"
        return
    await publish_home(client, deps, viewer)
    record.outcome = "published"


async def publish_home(client: AsyncWebClient, deps: Dependencies, viewer: Viewer) -> None:
    """The viewer's Home tab as it is now."""
    connected_as: str | None = None
    connect_url: str | None = None
    if deps.connections is not None:
        connection = await deps.connections.connection(viewer)
        if connection is not None:
            connected_as = connection.user_name
        else:
            pending = PendingConnect(viewer.team_id, viewer.user_id, viewer.enterprise_id)
            connect_url = await deps.connections.connect_url(pending)
    view = home_view(deps.home, connected_as=connected_as, connect_url=connect_url)
    await client.views_publish(user_id=viewer.user_id, view=view)
