"""The message that answers a Slack user: the use case's answer, or a way to connect first.

An answer that says the user has not connected Pipedrive (PIPEDRIVE_AUTH=oauth) becomes the
Connect button, with a state that brings them back to this very lookup (`response_url`, the
query they typed) once they have connected.
"""

from __future__ import annotations

import logging
from datetime import datetime

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from blocks import (
    Message,
    answer_message,
    connect_message,
    connected_message,
    foreign_company_message,
)
from bot.cards.connections import Connected, ConnectProblem, ConnectRefused, Viewer
from bot.cards.lookup import Answer
from bot.cards.oauth_states import PendingConnect
from bot.cards.query import PersonId, Search, parse_person_query
from bot.domain import Failure, FailureKind
from bot.slack.dependencies import Dependencies

log = logging.getLogger(__name__)


async def reply_for(
    answer: Answer,
    deps: Dependencies,
    viewer: Viewer,
    *,
    response_url: str | None = None,
    query: str | None = None,
    fetched_at: datetime | None = None,
) -> Message:
    if (
        isinstance(answer, Failure)
        and answer.kind is FailureKind.NOT_CONNECTED
        and deps.connections is not None
    ):
        pending = PendingConnect(
            team_id=viewer.team_id,
            user_id=viewer.user_id,
            enterprise_id=viewer.enterprise_id,
            response_url=response_url,
            query=query,
        )
        return connect_message(await deps.connections.connect_url(pending))
    return answer_message(answer, company_domain=deps.company_domain, fetched_at=fetched_at)


async def answer_after_connecting(result: Connected | ConnectRefused, deps: Dependencies) -> None:
    """Once a user has connected, answer the lookup that asked them to, in its place; when
    their account was refused for belonging to another company, say so in the same place."""
    if isinstance(result, ConnectRefused):
        pending = result.pending
        if result.problem is ConnectProblem.FOREIGN_COMPANY and pending and pending.response_url:
            message = foreign_company_message(result.company_domain)
            await _replace(pending.response_url, message)
        return
    connected = result
    pending = connected.pending
    if not pending.response_url:
        return  # an unfurl or a details pane asked: Slack asks again when it next needs to
    viewer = Viewer(pending.team_id, pending.user_id, pending.enterprise_id)
    deps = await deps.in_workspace(pending.team_id)
    query = parse_person_query(pending.query or "", deps.company_domain)
    connection = connected.connection
    if isinstance(query, PersonId | Search):
        answer = await deps.lookup.answer(query, viewer, reference="connect")
        message = await reply_for(answer, deps, viewer, response_url=pending.response_url)
    else:
        message = connected_message(connection.user_name, connection.company_domain)
    await _replace(pending.response_url, message)


async def _replace(response_url: str, message: Message) -> None:
    """The ephemeral message with the Connect button, replaced by `message`."""
    webhook = AsyncWebhookClient(response_url)
    try:
        response = await webhook.send(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=True,
        )
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("answer after connecting: response_url unreachable (%s)", type(error).__name__)
        return
    if not 200 <= response.status_code < 300:
        log.warning("answer after connecting: Slack refused it (%s)", response.status_code)
