"""What the card's and the pick list's buttons share: the clicked person, and their card.

A button's value comes back from Slack's client, so it is parsed as strictly as typed text; a
value that names no person gets a clear answer beside the message, and no Pipedrive call. A
failure is answered beside the message too, which stays for another try.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncRespond

from blocks import Message
from bot.cards.connections import Viewer
from bot.cards.lookup import outcome
from bot.cards.query import parse_person_id
from bot.domain import PersonCard
from bot.logs import RequestRecord
from bot.slack.answering import reply_for
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies


async def clicked_person_id(
    action: dict[str, Any], respond: AsyncRespond, record: RequestRecord, *, invalid: Message
) -> int | None:
    """The person id the button carries, or None once `invalid` is answered beside it."""
    person_id = parse_person_id(action.get("value"))
    if person_id is None:
        record.outcome = "invalid_input"
        await answer_privately(respond, invalid, reference=record.request_id)
        return None
    record.details["person_id"] = person_id
    return person_id


async def replace_with_card(
    deps: Dependencies,
    viewer: Viewer,
    action: dict[str, Any],
    respond: AsyncRespond,
    record: RequestRecord,
    *,
    invalid: Message,
    fresh: bool = False,
) -> None:
    """The clicked person's `/person` card in place of the message clicked in (`fresh`: read
    past the cache, and say when); a failure beside it."""
    person_id = await clicked_person_id(action, respond, record, invalid=invalid)
    if person_id is None:
        return
    answer = await deps.lookup.person(person_id, viewer, reference=record.request_id, fresh=fresh)
    record.outcome = outcome(answer)
    fetched_at = datetime.now(UTC) if fresh else None
    message = await reply_for(
        answer,
        deps,
        viewer,
        response_url=respond.response_url,
        query=str(person_id),
        fetched_at=fetched_at,
    )
    replace = isinstance(answer, PersonCard)
    await answer_privately(respond, message, reference=record.request_id, replace=replace)
