"""`/person <id | link | search>`: ack at once, then answer through response_url, ephemeral."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from blocks import invalid_input_message, unexpected_error_message, usage_message
from bot.cards.query import Help, PersonId, Unrecognised, parse_person_query
from bot.logs import logged_request
from bot.slack.answers import person_answer, search_answer
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def person_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        deps.in_flight.track()
        async with logged_request("command", "/person") as request:
            query = parse_person_query(str(command.get("text", "")), deps.company_domain)
            if isinstance(query, Help | Unrecognised):
                # Nothing to fetch: the answer goes out with the ack itself.
                reply = (
                    usage_message()
                    if isinstance(query, Help)
                    else invalid_input_message(query.text)
                )
                request.outcome = "help" if isinstance(query, Help) else "invalid_input"
                await ack(response_type="ephemeral", **reply.as_kwargs())
                return
            await ack()
            try:
                if isinstance(query, PersonId):
                    request.details["person_id"] = query.person_id
                    message, request.outcome = await person_answer(
                        deps.people,
                        query.person_id,
                        company_domain=deps.company_domain,
                        reference=request.request_id,
                    )
                else:
                    # The term itself stays out of the log: it may be someone's email or phone.
                    request.details["search_exact"] = int(query.exact)
                    message, request.outcome = await search_answer(
                        deps.search,
                        deps.people,
                        query.term,
                        exact=query.exact,
                        company_domain=deps.company_domain,
                        reference=request.request_id,
                    )
            except Exception:
                reference = request.request_id
                await answer_privately(
                    respond, unexpected_error_message(reference), reference=reference
                )
                raise
            await answer_privately(respond, message, reference=request.request_id)

    app.command("/person")(person_command)
