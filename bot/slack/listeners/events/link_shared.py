"""`link_shared`: unfurl pasted Pipedrive person links into person cards.

How much a card shows depends on the conversation (`UNFURL_*` settings, Slack Connect); with
unfurls off, or outside the allowed channels, nothing is read from Pipedrive or Slack.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from blocks import person_card
from bot.cards.query import parse_person_link
from bot.domain import PersonCard
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.delivery import unfurl_with
from bot.slack.dependencies import Dependencies

# Slack sends up to 5 links per event; more person cards than that would flood a conversation.
MAX_UNFURLS = 5
_OUTCOMES = {
    "sent": "unfurled",
    "sent_without_pictures": "unfurled_without_pictures",
    "refused": "unfurl_refused",
}


@listener
async def unfurl_person_links(
    event: dict[str, Any], client: AsyncWebClient, deps: Dependencies, record: RequestRecord
) -> None:
    wanted = person_links(event, deps.company_domain)
    record.details["links"] = len(wanted)
    if not wanted:
        record.outcome = "no_person_links"
        return
    detail = await deps.unfurl_details.for_channel(str(event.get("channel", "")))
    if detail is None:
        record.outcome = "unfurls_off"
        return
    record.details["detail"] = detail
    # A person that cannot be read is left out; the other links still unfurl.
    answers = await asyncio.gather(
        *(
            deps.lookup.person(person_id, reference=record.request_id)
            for person_id in wanted.values()
        )
    )
    unfurls = {
        url: person_card(answer, company_domain=deps.company_domain, detail=detail)
        for url, answer in zip(wanted, answers, strict=True)
        if isinstance(answer, PersonCard)
    }
    record.details["unfurled"] = len(unfurls)
    if not unfurls:
        record.outcome = "nothing_to_unfurl"
        return
    delivery = await unfurl_with(client, unfurls, unfurl_target(event), reference=record.request_id)
    record.outcome = _OUTCOMES[delivery]


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
