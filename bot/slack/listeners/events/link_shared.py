"""`link_shared`: unfurl pasted Pipedrive person links as Work Objects (or Block Kit cards).

How much a preview shows depends on the conversation (`UNFURL_*` settings, Slack Connect);
with unfurls off, or outside the allowed channels, nothing is read from Pipedrive or Slack.
In oauth mode the person is read with the poster's own token; a poster who has not connected
is asked to, by Slack, and nothing else is shown.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from blocks import person_card, person_entity
from bot.cards.connections import Viewer
from bot.cards.oauth_states import PendingConnect
from bot.cards.query import parse_person_link
from bot.domain import Failure, FailureKind, PersonCard
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.delivery import unfurl_asking_to_connect, unfurl_with, unfurl_work_objects
from bot.slack.dependencies import Dependencies

# Slack sends up to 5 links per event; more person cards than that would flood a conversation.
MAX_UNFURLS = 5
_OUTCOMES = {
    "sent": "unfurled",
    "sent_without_pictures": "unfurled_without_pictures",
    "sent_as_blocks": "unfurled_as_blocks",
    "refused": "unfurl_refused",
}


@listener
async def unfurl_person_links(
    event: dict[str, Any],
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    # Many workspaces: one no member has connected in yet reads no company, so any company's
    # link asks its poster to connect (and is not read: there is no token to read with).
    unbound = deps.connections is not None and not deps.company_domain
    wanted = person_links(event, None if unbound else deps.company_domain)
    record.details["links"] = len(wanted)
    if not wanted:
        record.outcome = "no_person_links"
        return
    detail = await deps.unfurl_details.for_channel(
        str(event.get("channel", "")), slack=client, team_id=viewer.team_id
    )
    if detail is None:
        record.outcome = "unfurls_off"
        return
    record.details["detail"] = detail
    reference = record.request_id
    target = unfurl_target(event)
    if unbound:
        record.outcome = await _ask_to_connect(client, target, deps, viewer, reference)
        return
    answers = await asyncio.gather(
        *(
            deps.lookup.person(person_id, viewer, reference=reference)
            for person_id in wanted.values()
        )
    )
    if deps.connections is not None and any(_not_connected(answer) for answer in answers):
        record.outcome = await _ask_to_connect(client, target, deps, viewer, reference)
        return
    # A person that cannot be read is left out; the other links still unfurl.
    found = {
        url: answer
        for url, answer in zip(wanted, answers, strict=True)
        if isinstance(answer, PersonCard)
    }
    record.details["unfurled"] = len(found)
    if not found:
        record.outcome = "nothing_to_unfurl"
        return
    domain = deps.company_domain
    cards = {
        url: person_card(card, company_domain=domain, detail=detail) for url, card in found.items()
    }
    if deps.unfurl_style == "work_object":
        entities = [
            person_entity(card, company_domain=domain, app_unfurl_url=url, detail=detail)
            for url, card in found.items()
        ]
        delivery = await unfurl_work_objects(client, entities, cards, target, reference=reference)
    else:
        delivery = await unfurl_with(client, cards, target, reference=reference)
    record.outcome = _OUTCOMES[delivery]


async def _ask_to_connect(
    client: AsyncWebClient,
    target: dict[str, Any],
    deps: Dependencies,
    viewer: Viewer,
    reference: str,
) -> str:
    """Slack asks the poster to connect Pipedrive; the request's outcome."""
    assert deps.connections is not None
    pending = PendingConnect(viewer.team_id, viewer.user_id, viewer.enterprise_id)
    url = await deps.connections.connect_url(pending)
    delivery = await unfurl_asking_to_connect(client, target, url, reference=reference)
    return "asked_to_connect" if delivery == "sent" else "unfurl_refused"


def _not_connected(answer: object) -> bool:
    return isinstance(answer, Failure) and answer.kind is FailureKind.NOT_CONNECTED


def person_links(event: dict[str, Any], company_domain: str | None) -> dict[str, int]:
    """Each distinct person link in the event (URL exactly as received) and its person id:
    links into `company_domain`, or with None into any company (to ask who posted them to
    connect, never to read)."""
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
