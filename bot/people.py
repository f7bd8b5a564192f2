"""The people service: what to fetch for a card, from cache or Pipedrive, within a time budget.

Listeners ask `PeopleService.person_card(id)`; the service reads the person, then the related
records it does not already carry (owner, organization, picture, next and last activity)
concurrently. A related read that fails or runs out of time leaves its part of the card empty;
only the person read itself can fail the card.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .cache import AsyncTTLCache
from .config import PipedriveSettings
from .pipedrive import (
    Activity,
    Organization,
    Person,
    Picture,
    PipedriveClient,
    PipedriveError,
    PipedriveUnavailable,
    User,
)

log = logging.getLogger(__name__)

# Related reads stop this many seconds before the card's deadline, so that the card they leave
# gaps in still reaches the caller before the caller's own timeout fires.
RELATED_READS_MARGIN = 0.1


@dataclass(frozen=True)
class CacheSettings:
    person_ttl: float = 30.0
    directory_ttl: float = 600.0  # users and organizations
    picture_ttl: float = 3600.0
    max_entries: int = 5000

    @classmethod
    def from_settings(cls, settings: PipedriveSettings) -> CacheSettings:
        return cls(
            person_ttl=settings.person_cache_ttl,
            directory_ttl=settings.directory_cache_ttl,
            picture_ttl=settings.picture_cache_ttl,
            max_entries=settings.cache_max_entries,
        )


class PeopleService:
    def __init__(
        self,
        client: PipedriveClient,
        *,
        card_budget: float = 2.5,
        cache: CacheSettings = CacheSettings(),
    ) -> None:
        self._client = client
        self.card_budget = card_budget
        self._cards: AsyncTTLCache[int, Person] = AsyncTTLCache(
            ttl=cache.person_ttl, max_entries=cache.max_entries
        )
        self._users: AsyncTTLCache[int, User] = AsyncTTLCache(
            ttl=cache.directory_ttl, max_entries=cache.max_entries
        )
        self._organizations: AsyncTTLCache[int, Organization] = AsyncTTLCache(
            ttl=cache.directory_ttl, max_entries=cache.max_entries
        )
        self._pictures: AsyncTTLCache[int, Picture] = AsyncTTLCache(
            ttl=cache.picture_ttl, max_entries=cache.max_entries
        )

    async def person_card(self, person_id: int, *, fresh: bool = False) -> Person:
        """The person with its related records, as fresh as the person cache allows.

        Raises `PersonNotFound` and the other `PipedriveError`s when the person cannot be read,
        `PipedriveUnavailable` when the budget runs out before it is.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.card_budget
        related_deadline = deadline - RELATED_READS_MARGIN
        try:
            async with asyncio.timeout_at(deadline):
                return await self._cards.get(
                    person_id, lambda: self._assemble(person_id, related_deadline), fresh=fresh
                )
        except TimeoutError:
            raise PipedriveUnavailable(
                f"person {person_id}: no answer within {self.card_budget:g} s"
            ) from None

    async def _assemble(self, person_id: int, deadline: float) -> Person:
        person = await self._client.person(person_id)
        parts: dict[str, Callable[[], Awaitable[Any]]] = {}
        if person.owner is None and person.owner_id is not None:
            owner_id = person.owner_id
            parts["owner"] = lambda: self._users.get(owner_id, lambda: self._client.user(owner_id))
        if person.organization is None and person.org_id is not None:
            org_id = person.org_id
            parts["organization"] = lambda: self._organizations.get(
                org_id, lambda: self._client.organization(org_id)
            )
        if person.picture is None and person.picture_id is not None:
            picture_id = person.picture_id
            parts["picture"] = lambda: self._pictures.get(
                picture_id, lambda: self._client.person_picture(person_id)
            )
        if person.next_activity is None and person.next_activity_id is not None:
            next_id = person.next_activity_id
            parts["next_activity"] = lambda: self._client.activity(next_id)
        if person.last_activity_date is None and person.last_activity_id is not None:
            last_id = person.last_activity_id
            parts["last_activity_date"] = lambda: _due_date(self._client.activity(last_id))
        found = await _gather_within(parts, deadline, person_id)
        return person.model_copy(update=found) if found else person


async def _due_date(activity: Awaitable[Activity]) -> object:
    return (await activity).due_date


async def _gather_within(
    parts: dict[str, Callable[[], Awaitable[Any]]], deadline: float, person_id: int
) -> dict[str, Any]:
    """Run the related reads concurrently until `deadline`; keep what arrived in time."""
    if not parts:
        return {}
    tasks = {name: asyncio.ensure_future(read()) for name, read in parts.items()}
    timeout = max(0.0, deadline - asyncio.get_running_loop().time())
    done, pending = await asyncio.wait(tasks.values(), timeout=timeout)
    for task in pending:
        task.cancel()
    found: dict[str, Any] = {}
    for name, task in tasks.items():
        if task in pending:
            log.warning("person %s: %s skipped, out of time", person_id, name)
        elif (error := task.exception()) is not None:
            if not isinstance(error, PipedriveError):
                raise error
            log.warning("person %s: %s skipped: %s", person_id, name, error)
        else:
            found[name] = task.result()
    return found
