"""The `/person` card's "Schedule follow-up" button: open the follow-up form for its person."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.write_click import open_clicked_form
from bot.slack.write_forms import open_follow_up_form


@listener
async def schedule_follow_up(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    await ack()
    await open_clicked_form(
        open_follow_up_form,
        action=action,
        body=body,
        respond=respond,
        client=client,
        deps=deps,
        record=record,
        viewer=viewer,
    )
