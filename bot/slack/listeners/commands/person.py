"""`/person <id | link | search>`: ack at once, then answer through response_url, ephemeral."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from blocks import answer_message, invalid_input_message, usage_message
from bot.cards.lookup import outcome
from bot.cards.query import Help, PersonId, Unrecognised, parse_person_query
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies


@listener
async def person_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    deps: Dependencies,
    record: RequestRecord,
) -> None:
    query = parse_person_query(str(command.get("text", "")), deps.company_domain)
    if isinstance(query, Help | Unrecognised):
        # Nothing to fetch: the answer goes out with the ack itself.
        if isinstance(query, Help):
            reply, record.outcome = usage_message(), "help"
        else:
            reply, record.outcome = invalid_input_message(query.text), "invalid_input"
        await ack(response_type="ephemeral", **reply.as_kwargs())
        return
    await ack()
    if isinstance(query, PersonId):
        record.details["person_id"] = query.person_id
    else:
        # The term itself stays out of the log: it may be someone's email or phone.
        record.details["search_exact"] = int(query.exact)
    answer = await deps.lookup.answer(query, reference=record.request_id)
    record.outcome = outcome(answer)
    message = answer_message(answer, company_domain=deps.company_domain)
    await answer_privately(respond, message, reference=record.request_id)
