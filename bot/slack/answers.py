"""From a person id or a search to the message to send: a card, a pick list, or what went wrong."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from blocks import (
    Message,
    failure_message,
    no_match_message,
    person_card,
    person_card_text,
    search_results_message,
)
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.pipedrive import PersonNotFound, PipedriveError, PipedriveRateLimited

log = logging.getLogger(__name__)


async def person_answer(
    people: PeopleService,
    person_id: int,
    *,
    company_domain: str,
    reference: str,
    fresh: bool = False,
    shared_by: str | None = None,
) -> tuple[Message, str]:
    """The `/person` card for `person_id`, or a failure message; with an outcome word for the log.

    The card has its Share and Refresh buttons. `fresh`: read the person past the cache, and
    say when. `shared_by`: the copy that user shares into the conversation, without them.
    """
    try:
        person = await people.person_card(person_id, fresh=fresh)
    except PipedriveError as error:
        if not isinstance(error, PersonNotFound | PipedriveRateLimited):
            log.warning("request_id=%s person %s: %s", reference, person_id, error)
        message = failure_message(error, person_id=person_id, reference=reference)
        return message, _outcome(error)
    blocks = person_card(
        person,
        company_domain=company_domain,
        actions=shared_by is None,
        shared_by=shared_by,
        fetched_at=datetime.now(UTC) if fresh else None,
    )
    return Message(text=person_card_text(person), blocks=blocks), "card"


async def search_answer(
    search: PeopleSearch,
    people: PeopleService,
    term: str,
    *,
    exact: bool,
    company_domain: str,
    reference: str,
) -> tuple[Message, str]:
    """The one person's card, a pick list of several, "no person matches", or a failure."""
    try:
        found = await search.search(term, exact=exact)
    except PipedriveError as error:
        if not isinstance(error, PipedriveRateLimited):
            log.warning("request_id=%s search: %s", reference, error)
        return failure_message(error, person_id=None, reference=reference), _outcome(error)
    if not found.hits:
        return no_match_message(term), "no_match"
    if len(found.hits) == 1:
        only = found.hits[0].id
        return await person_answer(people, only, company_domain=company_domain, reference=reference)
    return search_results_message(found.hits, term=term, more=found.more), "pick_list"


def _outcome(error: PipedriveError) -> str:
    # "PipedriveRateLimited" -> "rate_limited", "PersonNotFound" -> "person_not_found"
    name = type(error).__name__.removeprefix("Pipedrive")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
