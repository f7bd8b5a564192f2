"""The use case: a person id or a search term in, a card, a pick list or a `Failure` out.

Every way of asking for a person (the command, the pick list, the card's buttons, unfurls)
goes through `Lookup`, so each gets the same answer for the same trouble. Nothing raises past
it: Pipedrive's errors become `Failure` values, and so does a bug of ours, logged here with
its traceback under the request's reference.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.cards.budget import BudgetExhausted
from bot.cards.connections import NotConnected, Viewer
from bot.cards.failures import failure
from bot.cards.query import PersonId, Search
from bot.cards.readers import Readers
from bot.domain import Failure, FailureKind, PersonCard, SearchHit, SearchResults
from bot.pipedrive import (
    PipedriveError,
)
from bot.pipedrive.oauth import OAuthError

log = logging.getLogger(__name__)

Answer = PersonCard | SearchResults | Failure


class Lookup:
    def __init__(self, readers: Readers) -> None:
        self._readers = readers

    async def person(
        self, person_id: int, viewer: Viewer, *, reference: str, fresh: bool = False
    ) -> PersonCard | Failure:
        """The person's card as `viewer` may see it (`fresh`: past the cache), or why not."""
        try:
            reader = await self._readers.for_viewer(viewer)
            return await reader.people.person_card(person_id, fresh=fresh)
        except Exception as error:
            return _failure_of(error, person_id, reference)

    async def answer(self, query: PersonId | Search, viewer: Viewer, *, reference: str) -> Answer:
        """A `/person` query: the card; for a search, the one match's card or all matches."""
        if isinstance(query, PersonId):
            return await self.person(query.person_id, viewer, reference=reference)
        found = await self._search(query.term, viewer, exact=query.exact, reference=reference)
        if isinstance(found, Failure):
            return found
        if len(found.hits) == 1:
            return await self.person(found.hits[0].id, viewer, reference=reference)
        # Searches are cached case-insensitively: echo this asker's own words.
        return dataclasses.replace(found, term=query.term)

    async def people(
        self, term: str, viewer: Viewer, *, exact: bool, reference: str
    ) -> tuple[SearchHit, ...] | Failure:
        """The persons `term` names, best first (a person picker's options): no card is read."""
        found = await self._search(term, viewer, exact=exact, reference=reference)
        return found if isinstance(found, Failure) else found.hits

    async def _search(
        self, term: str, viewer: Viewer, *, exact: bool, reference: str
    ) -> SearchResults | Failure:
        try:
            reader = await self._readers.for_viewer(viewer)
            return await reader.search.search(term, exact=exact)
        except Exception as error:
            return _failure_of(error, None, reference)


def _failure_of(error: Exception, person_id: int | None, reference: str) -> Failure:
    """What went wrong, as the answer's `Failure`; a bug is logged with its traceback."""
    match error:
        case NotConnected():
            return Failure(FailureKind.NOT_CONNECTED, person_id=person_id, reference=reference)
        case BudgetExhausted():
            # Our own patience ran out: answered as "too slow", but not Pipedrive's error.
            log.info("request_id=%s person %s: %s", reference, person_id, error)
            return Failure(FailureKind.UNAVAILABLE, person_id=person_id, reference=reference)
        case OAuthError():  # a token could not be refreshed: Pipedrive's OAuth unreachable
            log.warning("request_id=%s person %s: %s", reference, person_id, error)
            return Failure(FailureKind.UNAVAILABLE, person_id=person_id, reference=reference)
        case PipedriveError():
            return failure(error, person_id, reference)
    log.error("request_id=%s person %s: unexpected error", reference, person_id, exc_info=error)
    return Failure(FailureKind.BUG, person_id=person_id, reference=reference)


def outcome(answer: Answer) -> str:
    """The log's word for an answer: "card", "pick_list", "no_match" or the failure's kind."""
    match answer:
        case PersonCard():
            return "card"
        case SearchResults(hits=()):
            return "no_match"
        case SearchResults():
            return "pick_list"
        case Failure():
            return answer.kind.value
