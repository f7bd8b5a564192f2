"""The people search: the persons `/person <text>` names, from a short cache or Pipedrive.

Searches cost Pipedrive 20 tokens each and have their own, tighter burst limit, so the same
term asked again within the person cache's lifetime (or while it is still loading) is answered
once.
"""

from __future__ import annotations

from bot.cards.budget import answer_by, deadline_after
from bot.cards.cache import AsyncTTLCache
from bot.domain import SearchResults
from bot.pipedrive import PipedriveClient

# A pick list shows this many persons; one more is asked for to know whether there are more.
SEARCH_SHOWN = 10


class PeopleSearch:
    def __init__(
        self,
        client: PipedriveClient,
        *,
        budget: float = 2.5,
        ttl: float = 30.0,
        max_entries: int = 5000,
    ) -> None:
        self._client = client
        self.budget = budget
        self._results: AsyncTTLCache[tuple[str, bool], SearchResults] = AsyncTTLCache(
            ttl=ttl, max_entries=max_entries
        )

    async def search(self, term: str, *, exact: bool) -> SearchResults:
        """Persons whose name, email or phone matches `term` (all of it when `exact`).

        Raises the `PipedriveError`s of the client; `BudgetExhausted` when the budget runs out
        first.
        """
        # Pipedrive's search is not case sensitive, so neither is the cache.
        key = (term.casefold(), exact)
        deadline = deadline_after(self.budget)
        async with answer_by(deadline, "search"):
            return await self._results.get(key, lambda: self._search(term, exact, deadline))

    async def _search(self, term: str, exact: bool, deadline: float) -> SearchResults:
        hits = await self._client.search_persons(
            term, exact=exact, limit=SEARCH_SHOWN + 1, deadline=deadline
        )
        shown = tuple(hits[:SEARCH_SHOWN])
        return SearchResults(term=term, hits=shown, more=len(hits) > SEARCH_SHOWN)
