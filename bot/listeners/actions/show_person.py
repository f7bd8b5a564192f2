"""A search pick list's "Show" button: ack at once, then replace the list with the card.

The button's value comes back from Slack's client, so it is parsed as strictly as typed text.
A failed lookup is answered beside the list, which stays for another try.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from blocks import SHOW_PERSON_ACTION_ID, Message, stale_button_message, unexpected_error_message

from ...answers import person_answer
from ...dependencies import Dependencies
from ...links import parse_person_id
from ...logs import logged_request


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def show_person(ack: AsyncAck, action: dict[str, Any], respond: AsyncRespond) -> None:
        deps.in_flight.track()
        async with logged_request("action", SHOW_PERSON_ACTION_ID) as request:
            await ack()
            value = action.get("value")
            person_id = parse_person_id(value) if isinstance(value, str) else None
            if person_id is None:
                request.outcome = "invalid_input"
                await _send(respond, stale_button_message(), replace=False)
                return
            request.details["person_id"] = person_id
            try:
                message, request.outcome = await person_answer(
                    deps.people,
                    person_id,
                    company_domain=deps.company_domain,
                    reference=request.request_id,
                )
            except Exception:
                await _send(respond, unexpected_error_message(request.request_id), replace=False)
                raise
            await _send(respond, message, replace=request.outcome == "card")

    app.action(SHOW_PERSON_ACTION_ID)(show_person)


async def _send(respond: AsyncRespond, message: Message, *, replace: bool) -> None:
    await respond(response_type="ephemeral", replace_original=replace, **message.as_kwargs())
