"""The `/person` card's "Share in channel" button: post the card where `/person` was typed.

The card goes through the click's response_url with `response_type: in_channel`: no scope
beyond `commands`, and it works wherever the command worked, the app a member or not. Into a
conversation shared with another organization (Slack Connect) the card goes compact, as
unfurls do, unless SHARE_EXTERNAL=full. Once it
is in, the ephemeral card is removed (`delete_original`). The shared copy names who shared it
and has no Share or Refresh button. A failure is answered beside the card, which stays.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import card_message, invalid_card_button_message, share_failed_message
from bot.cards.connections import Viewer
from bot.cards.lookup import outcome
from bot.domain import PersonCard
from bot.logs import RequestRecord
from bot.slack.answering import reply_for
from bot.slack.context import listener
from bot.slack.delivery import answer_privately, delete_original, respond_with
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import clicked_person_id


@listener
async def share_person(
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
    reference = record.request_id
    invalid = invalid_card_button_message()
    person_id = await clicked_person_id(action, respond, record, invalid=invalid)
    if person_id is None:
        return
    answer = await deps.lookup.person(person_id, viewer, reference=reference)
    if not isinstance(answer, PersonCard):
        record.outcome = outcome(answer)
        message = await reply_for(
            answer, deps, viewer, response_url=respond.response_url, query=str(person_id)
        )
        await answer_privately(respond, message, reference=reference)
        return
    user = body.get("user")
    shared_by = str(user.get("id", "")) if isinstance(user, dict) else ""
    channel = body.get("channel")
    channel_id = str(channel.get("id", "")) if isinstance(channel, dict) else ""
    detail = await deps.unfurl_details.for_share(channel_id, slack=client, team_id=viewer.team_id)
    record.details["detail"] = detail
    message = card_message(
        answer, company_domain=deps.company_domain, shared_by=shared_by, detail=detail
    )
    shared = await respond_with(
        respond, message, reference=reference, response_type="in_channel", replace_original=False
    )
    if shared == "refused":
        record.outcome = "share_refused"
        await answer_privately(respond, share_failed_message(), reference=reference)
        return
    record.outcome = "shared"
    await delete_original(respond, reference=reference)
