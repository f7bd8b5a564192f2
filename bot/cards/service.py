"""The people service: what to fetch for a card, from cache or Pipedrive, within a time budget.

Listeners ask `PeopleService.person_card(id)`; the service reads the person, then the related
records it does not already carry (owner, organization, picture, next and last activity)
concurrently. A related read that fails or runs out of time leaves its part of the card empty;
only the person read itself can fail the card.

Custom fields are shown by name: the service reads the company's person field definitions
(cached like the directory), decodes the person's raw values with them, keeps the fields
`PERSON_CARD_FIELDS` chooses, and names the users, organizations and persons they point at.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.cards.batching import BatchLoader
from bot.cards.cache import AsyncTTLCache
from bot.config import PipedriveSettings
from bot.domain import CustomField, FieldDefinition, ReferenceValue
from bot.pipedrive import (
    Activity,
    Organization,
    Person,
    Picture,
    PipedriveClient,
    PipedriveError,
    User,
)
from bot.pipedrive.custom_fields import decode_custom_fields, is_empty, unknown_keys
from bot.pipedrive.pacing import answer_within

log = logging.getLogger(__name__)

# Related reads stop this many seconds before the card's deadline, so that the card they leave
# gaps in still reaches the caller before the caller's own timeout fires.
RELATED_READS_MARGIN = 0.1
# Reads that name a card's references stop this much earlier still, so that the custom fields
# they belong to are ready by the related reads' deadline.
REFERENCE_READS_MARGIN = 0.05
# Users, organizations and persons named per card; any further ones show as "User 12".
REFERENCE_READS_MAX = 10
# A person carrying a field the cached definitions do not know has them read again early, but
# at most this often (seconds): a field deleted meanwhile must not cost a read per card.
DEFINITIONS_REFRESH_INTERVAL = 60.0
_ALL = "all"  # the one key of the field definitions and activity types caches


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
        card_fields: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.card_budget = card_budget
        # Names (any case) or keys of the custom fields a card shows, in order; () shows all.
        self.card_fields = tuple(card_fields)
        self._clock = clock
        self._field_definitions: AsyncTTLCache[str, tuple[FieldDefinition, ...]] = AsyncTTLCache(
            ttl=cache.directory_ttl, max_entries=1, clock=clock
        )
        self._definitions_read_at: float | None = None
        self._activity_types: AsyncTTLCache[str, dict[str, str]] = AsyncTTLCache(
            ttl=cache.directory_ttl, max_entries=1, clock=clock
        )
        self._referenced_persons: AsyncTTLCache[int, Person] = AsyncTTLCache(
            ttl=cache.person_ttl, max_entries=cache.max_entries
        )
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
        # A burst of cards reads its people and activities in a few list requests.
        self._person_reads = BatchLoader(client.person, client.persons)
        self._activity_reads = BatchLoader(client.activity, client.activities)

    @classmethod
    def from_settings(cls, client: PipedriveClient, settings: PipedriveSettings) -> PeopleService:
        return cls(
            client,
            card_budget=settings.card_timeout,
            cache=CacheSettings.from_settings(settings),
            card_fields=settings.person_card_field_choice,
        )

    async def person_card(self, person_id: int, *, fresh: bool = False) -> Person:
        """The person with its related records, as fresh as the person cache allows.

        Raises `PersonNotFound` and the other `PipedriveError`s when the person cannot be read,
        `PipedriveUnavailable` when the budget runs out before it is.
        """
        what = f"person {person_id}"
        async with answer_within(self.card_budget, what, margin=RELATED_READS_MARGIN) as deadline:
            return await self._cards.get(
                person_id, lambda: self._assemble(person_id, deadline), fresh=fresh
            )

    async def _assemble(self, person_id: int, deadline: float) -> Person:
        person = await self._person_reads.load(person_id)
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
            parts["next_activity"] = lambda: self._activity_reads.load(next_id)
        if person.next_activity is not None or person.next_activity_id is not None:
            parts["activity_types"] = self._activity_type_names
        if any(not is_empty(value) for value in person.custom_fields.values()):
            parts["fields"] = lambda: self._custom_fields(person, deadline)
        if person.last_activity_date is None and person.last_activity_id is not None:
            last_id = person.last_activity_id
            parts["last_activity_date"] = lambda: _due_date(self._activity_reads.load(last_id))
        found = await _gather_within(parts, deadline, person_id)
        type_names: dict[str, str] = found.pop("activity_types", None) or {}
        activity = found.get("next_activity", person.next_activity)
        if activity is not None and activity.type_name is None and activity.type in type_names:
            type_name = type_names[activity.type]
            found["next_activity"] = activity.model_copy(update={"type_name": type_name})
        return person.model_copy(update=found) if found else person

    async def _activity_type_names(self) -> dict[str, str]:
        return await self._activity_types.get(_ALL, self._client.activity_types)

    # -- custom fields ---------------------------------------------------------------------

    async def _custom_fields(self, person: Person, deadline: float) -> tuple[CustomField, ...]:
        definitions = await self._field_definitions.get(_ALL, self._read_field_definitions)
        if unknown_keys(person.custom_fields, definitions) and self._may_reread_definitions():
            log.info("person %s: a custom field is not in the definitions; rereading", person.id)
            definitions = await self._field_definitions.get(
                _ALL, self._read_field_definitions, fresh=True
            )
        fields = select_fields(
            decode_custom_fields(person.custom_fields, definitions), self.card_fields
        )
        return await self._name_references(fields, deadline - REFERENCE_READS_MARGIN, person.id)

    async def _read_field_definitions(self) -> tuple[FieldDefinition, ...]:
        self._definitions_read_at = self._clock()
        return tuple(await self._client.person_fields())

    def _may_reread_definitions(self) -> bool:
        read_at = self._definitions_read_at
        return read_at is None or self._clock() - read_at >= DEFINITIONS_REFRESH_INTERVAL

    async def _name_references(
        self, fields: tuple[CustomField, ...], deadline: float, person_id: int
    ) -> tuple[CustomField, ...]:
        """The fields with the names of the records they point at, as many as arrive in time."""
        reads: dict[str, Callable[[], Awaitable[str | None]]] = {}
        for field in fields:
            ref = field.value
            if not isinstance(ref, ReferenceValue) or ref.name is not None:
                continue
            if len(reads) < REFERENCE_READS_MAX:
                reads.setdefault(
                    _reference_key(ref), functools.partial(self._record_name, ref.target, ref.id)
                )
        if not reads:
            return fields
        names = await _gather_within(reads, deadline, person_id)
        return tuple(_with_name(field, names) for field in fields)

    async def _record_name(
        self, target: Literal["user", "organization", "person"], record_id: int
    ) -> str | None:
        if target == "user":
            user = await self._users.get(record_id, lambda: self._client.user(record_id))
            return user.name or user.email
        if target == "organization":
            org = await self._organizations.get(
                record_id, lambda: self._client.organization(record_id)
            )
            return org.name
        person = await self._referenced_persons.get(
            record_id, lambda: self._person_reads.load(record_id)
        )
        return person.name or " ".join(filter(None, (person.first_name, person.last_name))) or None


def select_fields(fields: Sequence[CustomField], choice: Sequence[str]) -> tuple[CustomField, ...]:
    """The fields `choice` names (field names in any case, or keys), in its order; all without."""
    if not choice:
        return tuple(fields)
    chosen: list[CustomField] = []
    for wanted in (item.strip().casefold() for item in choice):
        for field in fields:
            if wanted in (field.key.casefold(), field.name.strip().casefold()):
                if field not in chosen:
                    chosen.append(field)
    return tuple(chosen)


def _reference_key(ref: ReferenceValue) -> str:
    return f"{ref.target} {ref.id}"


def _with_name(field: CustomField, names: dict[str, Any]) -> CustomField:
    ref = field.value
    if not isinstance(ref, ReferenceValue) or ref.name is not None:
        return field
    name = names.get(_reference_key(ref))
    if not name:
        return field
    return field.model_copy(update={"value": ref.model_copy(update={"name": name})})


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
    bugs: list[BaseException] = []
    for name, task in tasks.items():
        if task in pending:
            log.warning("person %s: %s skipped, out of time", person_id, name)
        elif (error := task.exception()) is None:
            found[name] = task.result()
        elif isinstance(error, PipedriveError):
            log.warning("person %s: %s skipped: %s", person_id, name, error)
        else:
            bugs.append(error)  # every task's error is looked at, so none goes unreported
    if bugs:
        # A bug is not a Pipedrive outage: it must not be hidden as a card with a gap.
        raise bugs[0]
    return found
