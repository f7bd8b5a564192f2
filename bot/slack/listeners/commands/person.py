"""`/person <id | link | search>`: ack at once, then answer through response_url, ephemeral."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import (
    Message,
    disconnected_message,
    invalid_input_message,
    setup_message,
    shared_token_message,
    status_message,
    usage_message,
)
from bot.cards.connections import Viewer
from bot.cards.lookup import outcome
from bot.cards.query import Account, Help, PersonId, Setup, Unrecognised, parse_person_query
from bot.cards.readers import UserReaders
from bot.logs import RequestRecord
from bot.slack.answering import reply_for
from bot.slack.context import listener
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies
from bot.slack.users import is_workspace_admin


@listener
async def person_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    text = str(command.get("text", ""))
    query = parse_person_query(text, deps.company_domain)
    if isinstance(query, Help | Unrecognised):
        # Nothing to fetch: the answer goes out with the ack itself.
        if isinstance(query, Help):
            many = deps.serves_many_workspaces
            reply = usage_message(connections=deps.connections is not None, setup=many)
            record.outcome = "help"
        else:
            reply, record.outcome = invalid_input_message(query.text), "invalid_input"
        await ack(response_type="ephemeral", **reply.as_kwargs())
        return
    await ack()
    if isinstance(query, Account):
        reply, record.outcome = await account_reply(query, deps, viewer)
        await answer_privately(respond, reply, reference=record.request_id)
        return
    if isinstance(query, Setup):
        reply, record.outcome = await setup_reply(query, deps, viewer, client)
        await answer_privately(respond, reply, reference=record.request_id)
        return
    if isinstance(query, PersonId):
        record.details["person_id"] = query.person_id
    else:
        # The term itself stays out of the log: it may be someone's email or phone.
        record.details["search_exact"] = int(query.exact)
    answer = await deps.lookup.answer(query, viewer, reference=record.request_id)
    record.outcome = outcome(answer)
    message = await reply_for(
        answer, deps, viewer, response_url=command.get("response_url"), query=text
    )
    await answer_privately(respond, message, reference=record.request_id)


async def account_reply(query: Account, deps: Dependencies, viewer: Viewer) -> tuple[Message, str]:
    """`/person status` and `/person disconnect`: the asker's own connection."""
    if deps.connections is None:
        return shared_token_message(), f"{query.action}_shared_token"
    if query.action == "disconnect":
        removed = await deps.connections.disconnect(viewer)
        if isinstance(deps.readers, UserReaders):
            deps.readers.forget(viewer)
        return disconnected_message(removed), "disconnected" if removed else "not_connected"
    connection = await deps.connections.connection(viewer)
    name = connection.user_name if connection else None
    return status_message(name, deps.company_domain), "connected" if name else "not_connected"


async def setup_reply(
    query: Setup, deps: Dependencies, viewer: Viewer, slack: AsyncWebClient
) -> tuple[Message, str]:
    """`/person setup <company>`: a workspace admin binds the workspace to a Pipedrive company
    before anyone connected (many workspaces); the first binding wins."""
    connections = deps.connections
    if connections is None or not deps.serves_many_workspaces:
        return setup_message("fixed", deps.company_domain), "setup_fixed"
    if query.company is None:
        return setup_message("usage"), "setup_usage"
    if not await is_workspace_admin(slack, viewer.user_id):
        return setup_message("not_admin"), "setup_not_admin"
    bound = await connections.set_up(viewer.team_id, query.company)
    if bound != query.company:
        return setup_message("already_bound", bound), "setup_already_bound"
    return setup_message("bound", bound), "setup_bound"
