"""What the card's "Add note" and "Schedule follow-up" buttons share: the clicked person's form.

The button's value is parsed as strictly as any: one that names no person is answered beside the
card, and no form opens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import invalid_card_button_message
from bot.cards.connections import Viewer
from bot.logs import RequestRecord
from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions.card_click import clicked_person_id
from bot.slack.write_forms import FormRequest

FormOpener = Callable[[FormRequest, int], Awaitable[str]]


async def open_clicked_form(
    open_form: FormOpener,
    *,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    invalid = invalid_card_button_message()
    person_id = await clicked_person_id(action, respond, record, invalid=invalid)
    if person_id is None:
        return
    trigger_id = str(body.get("trigger_id", ""))
    request = FormRequest(deps, client, trigger_id, viewer, record.request_id)
    record.outcome = await open_form(request, person_id)
