"""The use case: a person id or a search term in, a card, a pick list or a `Failure` out.

Every way of asking for a person (the command, the pick list, the card's buttons, unfurls)
goes through `Lookup`, so each gets the same answer for the same trouble. Nothing raises past
it: Pipedrive's errors become `Failure` values, and so does a bug of ours, logged here with
its traceback under the request's reference.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.cards.query import PersonId, Search
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.domain import Failure, FailureKind, PersonCard, SearchHit, SearchResults
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)

log = logging.getLogger(__name__)

Answer = PersonCard | SearchResults | Failure


class Lookup:
    def __init__(self, people: PeopleService, search: PeopleSearch) -> None:
        self._people = people
        self._search = search

    async def person(self, person_id: int, *, reference: str, fresh: bool = False) -> Answer:
        """The person's card (`fresh`: read past the person cache), or why not."""
        try:
            return await self._people.person_card(person_id, fresh=fresh)
        except PipedriveError as error:
            return failure(error, person_id, reference)
        except Exception:
            log.exception("request_id=%s person %s: unexpected error", reference, person_id)
            return Failure(FailureKind.BUG, person_id=person_id, reference=reference)

    async def answer(self, query: PersonId | Search, *, reference: str) -> Answer:
        """A `/person` query: the card; for a search, the one match's card or all matches."""
        if isinstance(query, PersonId):
            return await self.person(query.person_id, reference=reference)
        try:
            found = await self._search.search(query.term, exact=query.exact)
        except PipedriveError as error:
            return failure(error, None, reference)
        except Exception:
            log.exception("request_id=%s search: unexpected error", reference)
            return Failure(FailureKind.BUG, reference=reference)
        if len(found.hits) == 1:
            return await self.person(found.hits[0].id, reference=reference)
        # Searches are cached case-insensitively: echo this asker's own words.
        return dataclasses.replace(found, term=query.term)

    async def people(
        self, term: str, *, exact: bool, reference: str
    ) -> tuple[SearchHit, ...] | Failure:
        """The persons `term` names, best first (a person picker's options): no card is read."""
        try:
            found = await self._search.search(term, exact=exact)
        except PipedriveError as error:
            return failure(error, None, reference)
        except Exception:
            log.exception("request_id=%s search: unexpected error", reference)
            return Failure(FailureKind.BUG, reference=reference)
        return found.hits


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


def failure(error: PipedriveError, person_id: int | None, reference: str) -> Failure:
    """The `Failure` a Pipedrive error is, logged unless it is an everyday one."""
    kind = next((kind for cls, kind in _KINDS if isinstance(error, cls)), FailureKind.BAD_REQUEST)
    if kind not in (FailureKind.NOT_FOUND, FailureKind.RATE_LIMITED):
        log.warning("request_id=%s person %s: %s", reference, person_id, error)
    retry_after = error.retry_after if isinstance(error, PipedriveRateLimited) else None
    return Failure(kind, person_id=person_id, retry_after=retry_after, reference=reference)


# Most specific first; any other Pipedrive error is a request Pipedrive refused (HTTP 400).
_KINDS: tuple[tuple[type[PipedriveError], FailureKind], ...] = (
    (PipedriveNotFound, FailureKind.NOT_FOUND),
    (PipedriveAuthError, FailureKind.AUTH),
    (PipedriveForbidden, FailureKind.FORBIDDEN),
    (PipedriveRateLimited, FailureKind.RATE_LIMITED),
    (PipedriveUnavailable, FailureKind.UNAVAILABLE),
)
