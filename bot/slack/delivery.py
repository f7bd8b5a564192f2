"""Sending to Slack: answers through `response_url` and `chat.unfurl`, checked, in one place.

Slack downloads a message's images before it accepts the message, and refuses the whole message
when one cannot be downloaded. `chat.postMessage` says `invalid_blocks` with "downloading image
failed [json-pointer:/blocks/…/image_url]" among its `errors`; `response_url` posts, like
incoming webhooks, answer HTTP 400 with the bare body `invalid_blocks`; `chat.unfurl` documents
neither, so `invalid_arguments` counts there too. A refused message that had pictures is sent
once more without them (`blocks.without_images`), and the log says so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from blocks import Message, has_images, without_images
from blocks.kit import Block

log = logging.getLogger(__name__)

Delivery = Literal["sent", "sent_without_pictures", "sent_as_blocks", "refused"]
# The errors Slack gives for blocks it will not take; a picture it could not download is one.
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_arguments"})
_ERROR_MAX = 200
# chat.unfurl's answers about Work Object metadata it would not take.
METADATA_ERRORS = frozenset(
    {
        "invalid_metadata_format",
        "error_processing_metadata",
        "metadata_too_large",
        "invalid_metadata",
    }
)


class SlackRefused(Exception):
    """Slack did not take a message: its error code and any detail it gave."""

    def __init__(self, error: str, details: Sequence[str] = ()) -> None:
        super().__init__(f"{error}: {'; '.join(details)}" if details else error)
        self.error = error
        self.details = tuple(details)

    @property
    def may_be_a_picture(self) -> bool:
        """Refused blocks, with no detail or a detail about an image."""
        if self.error not in BLOCK_ERRORS:
            return False
        return not self.details or any("image" in detail for detail in self.details)


async def respond_with(
    respond: AsyncRespond, message: Message, *, reference: str, **options: Any
) -> Delivery:
    """Post `message` to the interaction's response_url (`options`: response_type and friends)."""

    async def post(plain: bool) -> None:
        blocks = without_images(message.blocks) if plain else message.blocks
        response = await respond(text=message.text, blocks=blocks, **options)
        _check(response)

    pictures = has_images(message.blocks)
    return await _send(post, pictures=pictures, what="response_url", reference=reference)


async def answer_privately(
    respond: AsyncRespond, message: Message, *, reference: str, replace: bool = False
) -> Delivery:
    """An ephemeral answer: beside the message clicked in, or in its place (`replace`)."""
    return await respond_with(
        respond, message, reference=reference, response_type="ephemeral", replace_original=replace
    )


async def delete_original(respond: AsyncRespond, *, reference: str) -> Delivery:
    """Remove the message the clicked button was in (the only way to remove an ephemeral one).

    Slack documents `{"delete_original": true}` sent alone; Bolt's `respond` would add `text`.
    """

    async def post(plain: bool) -> None:
        webhook = AsyncWebhookClient(str(respond.response_url))
        _check(await webhook.send_dict({"delete_original": True}))

    return await _send(post, pictures=False, what="delete_original", reference=reference)


async def unfurl_with(
    client: AsyncWebClient,
    cards: Mapping[str, list[Block]],
    target: Mapping[str, Any],
    *,
    reference: str,
) -> Delivery:
    """One `chat.unfurl` with each URL's card (`target`: unfurl_id+source, or channel+ts)."""

    async def post(plain: bool) -> None:
        unfurls = {
            url: {"blocks": without_images(card) if plain else card} for url, card in cards.items()
        }
        try:
            await client.chat_unfurl(unfurls=unfurls, **target)
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            raise SlackRefused(str(data.get("error", "unknown_error")), _details(data)) from error

    pictures = any(has_images(card) for card in cards.values())
    return await _send(post, pictures=pictures, what="chat.unfurl", reference=reference)


async def unfurl_work_objects(
    client: AsyncWebClient,
    entities: Sequence[Mapping[str, Any]],
    cards: Mapping[str, list[Block]],
    target: Mapping[str, Any],
    *,
    reference: str,
) -> Delivery:
    """One `chat.unfurl` with Work Object metadata; if Slack refuses the metadata, or takes the
    call but warns about it, the same unfurl once more as Block Kit (`cards`), so a preview
    always appears."""
    try:
        response = await client.chat_unfurl(metadata={"entities": list(entities)}, **target)
    except SlackApiError as error:
        data = error.response.data if isinstance(error.response.data, dict) else {}
        code = str(data.get("error", "unknown_error"))
        if not _about_metadata(code):
            log.warning("request_id=%s chat.unfurl refused: %s", reference, code)
            return "refused"
        refused = SlackRefused(code, _details(data))
    else:
        data = response.data if isinstance(response.data, dict) else {}
        warning = data.get("warning")
        if not (isinstance(warning, str) and _about_metadata(warning)):
            return "sent"
        refused = SlackRefused(warning, _details(data))
    log.warning(
        "request_id=%s chat.unfurl: Slack did not take the Work Object metadata (%s); "
        "sending it as Block Kit",
        reference,
        refused,
    )
    delivery = await unfurl_with(client, cards, target, reference=reference)
    return "sent_as_blocks" if delivery == "sent" else delivery


async def unfurl_asking_to_connect(
    client: AsyncWebClient, target: Mapping[str, Any], connect_url: str, *, reference: str
) -> Delivery:
    """`chat.unfurl` asking the poster to connect first: Slack shows them the prompt."""
    try:
        await client.chat_unfurl(user_auth_required=True, user_auth_url=connect_url, **target)
    except SlackApiError as error:
        data = error.response.data if isinstance(error.response.data, dict) else {}
        log.warning(
            "request_id=%s chat.unfurl (connect prompt) refused: %s", reference, data.get("error")
        )
        return "refused"
    return "sent"


def _about_metadata(code: str) -> bool:
    return code in METADATA_ERRORS or "metadata" in code


async def _send(
    post: Callable[[bool], Awaitable[None]], *, pictures: bool, what: str, reference: str
) -> Delivery:
    """`post(False)`; when Slack refuses what may be a picture, `post(True)`: without them."""
    try:
        await post(False)
        return "sent"
    except SlackRefused as refused:
        if not (pictures and refused.may_be_a_picture):
            log.warning("request_id=%s %s refused: %s", reference, what, refused)
            return "refused"
        log.warning(
            "request_id=%s %s refused (%s), likely a picture Slack could not download; "
            "sending it again without pictures",
            reference,
            what,
            refused,
        )
    try:
        await post(True)
    except SlackRefused as refused:
        log.warning("request_id=%s %s refused without pictures too: %s", reference, what, refused)
        return "refused"
    return "sent_without_pictures"


def _check(response: WebhookResponse) -> None:
    if not 200 <= response.status_code < 300:
        raise SlackRefused(_webhook_error(response.status_code, response.body))


def _webhook_error(status: int, body: str) -> str:
    """A response_url's error: a bare word ("invalid_blocks"), or JSON with an "error"."""
    text = body.strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        text = data["error"]
    return text[:_ERROR_MAX] or f"HTTP {status}"


def _details(data: Mapping[str, Any]) -> list[str]:
    found = data.get("errors")
    metadata = data.get("response_metadata")
    messages = metadata.get("messages") if isinstance(metadata, dict) else None
    details = [*(found if isinstance(found, list) else []), *(messages or [])]
    return [str(detail)[:_ERROR_MAX] for detail in details]
