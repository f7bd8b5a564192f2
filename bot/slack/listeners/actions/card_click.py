"""What the card's and the pick list's buttons share: the clicked person, and their card.

A button's value comes back from Slack's client, so it is parsed as strictly as typed text; a
value that names no person gets a clear answer beside the message, and no Pipedrive call. A
failure is answered beside the message too, which stays for another try.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond

from blocks import Message, unexpected_error_message
from bot.cards.query import parse_person_id
from bot.logs import RequestRecord
from bot.slack.answers import person_answer
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies


async def clicked_person_id(
    action: dict[str, Any], respond: AsyncRespond, request: RequestRecord, *, invalid: Message
) -> int | None:
    """The person id the button carries, or None once `invalid` is answered beside it."""
    person_id = parse_person_id(action.get("value"))
    if person_id is None:
        request.outcome = "invalid_input"
        await answer_privately(respond, invalid, reference=request.request_id)
        return None
    request.details["person_id"] = person_id
    return person_id


async def card_for_click(
    deps: Dependencies,
    person_id: int,
    respond: AsyncRespond,
    request: RequestRecord,
    *,
    fresh: bool = False,
    shared_by: str | None = None,
) -> Message:
    """The person's card or failure message (`request.outcome` says which); a bug is apologised
    for beside the message, then raised for the log."""
    try:
        message, request.outcome = await person_answer(
            deps.people,
            person_id,
            company_domain=deps.company_domain,
            reference=request.request_id,
            fresh=fresh,
            shared_by=shared_by,
        )
    except Exception:
        reference = request.request_id
        await answer_privately(respond, unexpected_error_message(reference), reference=reference)
        raise
    return message


async def replace_with_card(
    deps: Dependencies,
    action: dict[str, Any],
    respond: AsyncRespond,
    request: RequestRecord,
    *,
    invalid: Message,
    fresh: bool = False,
) -> None:
    """The clicked person's `/person` card in place of the message clicked in."""
    person_id = await clicked_person_id(action, respond, request, invalid=invalid)
    if person_id is None:
        return
    message = await card_for_click(deps, person_id, respond, request, fresh=fresh)
    replace = request.outcome == "card"
    await answer_privately(respond, message, reference=request.request_id, replace=replace)
