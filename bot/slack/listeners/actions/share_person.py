"""The `/person` card's "Share in channel" button: post the card where `/person` was typed.

The card goes through the click's response_url with `response_type: in_channel`: no scope
beyond `commands`, and it works wherever the command worked, the app a member or not. Once it
is in, the ephemeral card is removed (`delete_original`). The shared copy names who shared it
and has no Share or Refresh button. A failure is answered beside the card, which stays.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from blocks import SHARE_ACTION_ID, invalid_card_button_message, share_failed_message
from bot.logs import logged_request
from bot.slack.delivery import answer_privately, delete_original, respond_with
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import card_for_click, clicked_person_id


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def share_person(
        ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        deps.in_flight.track()
        async with logged_request("action", SHARE_ACTION_ID) as request:
            await ack()
            reference = request.request_id
            person_id = await clicked_person_id(
                action, respond, request, invalid=invalid_card_button_message()
            )
            if person_id is None:
                return
            user = body.get("user")
            shared_by = str(user.get("id", "")) if isinstance(user, dict) else ""
            message = await card_for_click(deps, person_id, respond, request, shared_by=shared_by)
            if request.outcome != "card":
                await answer_privately(respond, message, reference=reference)
                return
            shared = await respond_with(
                respond,
                message,
                reference=reference,
                response_type="in_channel",
                replace_original=False,
            )
            if shared == "refused":
                request.outcome = "share_refused"
                await answer_privately(respond, share_failed_message(), reference=reference)
                return
            request.outcome = "shared"
            await delete_original(respond, reference=reference)

    app.action(SHARE_ACTION_ID)(share_person)
