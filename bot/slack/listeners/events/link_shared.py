"""`link_shared`: unfurl pasted Pipedrive person links into person cards.

How much a card shows depends on the conversation (`UNFURL_*` settings, Slack Connect); with
unfurls off, or outside the allowed channels, nothing is read from Pipedrive or Slack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from blocks import person_card
from blocks.kit import Block
from bot.cards.query import parse_person_link
from bot.domain import CardDetail
from bot.logs import logged_request
from bot.pipedrive import PipedriveError
from bot.slack.delivery import unfurl_with
from bot.slack.dependencies import Dependencies

log = logging.getLogger(__name__)

# Slack sends up to 5 links per event; more person cards than that would flood a conversation.
MAX_UNFURLS = 5
_OUTCOMES = {
    "sent": "unfurled",
    "sent_without_pictures": "unfurled_without_pictures",
    "refused": "unfurl_refused",
}


def register(app: AsyncApp, deps: Dependencies) -> None:
    async def unfurl_person_links(event: dict[str, Any], client: AsyncWebClient) -> None:
        deps.in_flight.track()
        async with logged_request("event", "link_shared") as request:
            wanted = person_links(event, deps.company_domain)
            request.details["links"] = len(wanted)
            if not wanted:
                request.outcome = "no_person_links"
                return
            detail = await deps.unfurl_details.for_channel(str(event.get("channel", "")))
            if detail is None:
                request.outcome = "unfurls_off"
                return
            request.details["detail"] = detail
            cards = await asyncio.gather(
                *(
                    _card(deps, person_id, detail, request.request_id)
                    for person_id in wanted.values()
                )
            )
            unfurls = {url: card for url, card in zip(wanted, cards, strict=True) if card}
            request.details["unfurled"] = len(unfurls)
            if not unfurls:
                request.outcome = "nothing_to_unfurl"
                return
            delivery = await unfurl_with(
                client, unfurls, unfurl_target(event), reference=request.request_id
            )
            request.outcome = _OUTCOMES[delivery]

    app.event("link_shared")(unfurl_person_links)


def person_links(event: dict[str, Any], company_domain: str) -> dict[str, int]:
    """Each distinct person link in the event (URL exactly as received) and its person id."""
    found: dict[str, int] = {}
    for link in event.get("links") or []:
        url = link.get("url") if isinstance(link, dict) else None
        if not isinstance(url, str) or url in found:
            continue
        person_id = parse_person_link(url, company_domain)
        if person_id is not None:
            found[url] = person_id
        if len(found) == MAX_UNFURLS:
            break
    return found


def unfurl_target(event: dict[str, Any]) -> dict[str, Any]:
    """`unfurl_id` + `source` when the event has them (the composer needs them), else channel+ts."""
    if event.get("unfurl_id") and event.get("source"):
        return {"unfurl_id": str(event["unfurl_id"]), "source": str(event["source"])}
    return {"channel": str(event.get("channel", "")), "ts": str(event.get("message_ts", ""))}


async def _card(
    deps: Dependencies, person_id: int, detail: CardDetail, reference: str
) -> list[Block] | None:
    try:
        person = await deps.people.person_card(person_id)
        return person_card(person, company_domain=deps.company_domain, detail=detail)
    except PipedriveError as error:
        log.info("request_id=%s person %s not unfurled: %s", reference, person_id, error)
    except Exception:
        # One person's failure must not cost the other links in the message their cards.
        log.exception("request_id=%s person %s not unfurled", reference, person_id)
    return None
