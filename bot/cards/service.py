"""The people service: what to fetch for a card, from cache or Pipedrive, within a time budget.

Listeners ask `PeopleService.person_card(id)`; the service reads the person, then the related
records it does not already carry (owner, organization, picture, next and last activity)
concurrently. Only the person read can fail the card, and it has its own patience
(`person_read_timeout`): an answer through `response_url` or `chat.unfurl` may take seconds.
The related reads are best-effort: they get `card_timeout` counted from the person's arrival,
and one that fails or runs out of time leaves its part of the card empty.

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
from typing import Any, Generic, Literal, TypeVar

from pydantic import TypeAdapter

from bot.cards.batching import BatchLoader
from bot.cards.budget import answer_by, deadline_after
from bot.cards.cache import AsyncTTLCache, SharedRecords
from bot.config import PipedriveSettings
from bot.domain import (
    Activity,
    CustomField,
    FieldDefinition,
    Organization,
    Person,
    PersonCard,
    Picture,
    ReferenceValue,
    User,
)
from bot.pipedrive import PipedriveClient, PipedriveError
from bot.pipedrive.custom_fields import decode_custom_fields, is_empty, unknown_keys
from bot.store.shared_state import SharedState

log = logging.getLogger(__name__)

# Reads that name a card's references stop this many seconds before the related reads'
# deadline, so that the custom fields they belong to are ready by then.
REFERENCE_READS_MARGIN = 0.05
# Users, organizations and persons named per card; any further ones show as "User 12".
REFERENCE_READS_MAX = 10
# A person carrying a field the cached definitions do not know has them read again early, but
# at most this often (seconds): a field deleted meanwhile must not cost a read per card.
DEFINITIONS_REFRESH_INTERVAL = 60.0
_ALL = "all"  # the one key of the field definitions and activity types caches


R = TypeVar("R")


@dataclass(frozen=True)
class _Read(Generic[R]):
    """A related record: what the person read already carried, else its id to read it by."""

    carried: R | None
    record_id: int | None
    read: Callable[[int, float], Awaitable[R]]
    deadline: float

    @property
    def needed(self) -> bool:
        return self.carried is None and self.record_id is not None

    async def fetch(self) -> R:
        assert self.record_id is not None
        return await self.read(self.record_id, self.deadline)


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
        person_patience: float = 10.0,
        card_budget: float = 2.5,
        cache: CacheSettings = CacheSettings(),
        card_fields: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
        shared: SharedState | None = None,
        company: str = "",
        share_directory: bool = False,
    ) -> None:
        """`shared`: where processes share company-wide records (field definitions, activity
        types; with `share_directory` also users and organizations, which every viewer of one
        shared API token sees alike), under `company`."""
        self._client = client
        self.person_patience = person_patience
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
        self._cards: AsyncTTLCache[int, PersonCard] = AsyncTTLCache(
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
        self._shared: dict[str, SharedRecords[Any]] = {}
        if shared is not None:
            kinds: dict[str, Any] = {
                "person-fields": tuple[FieldDefinition, ...],
                "activity-types": dict[str, str],
            }
            if share_directory:
                kinds.update(users=User, organizations=Organization)
            self._shared = {
                kind: SharedRecords(
                    shared, f"{company}:{kind}", TypeAdapter(shape), ttl=cache.directory_ttl
                )
                for kind, shape in kinds.items()
            }
        # A burst of cards reads its people, organizations and activities in a few list reads.
        self._person_reads = BatchLoader(client.person, client.persons)
        self._organization_reads = BatchLoader(client.organization, client.organizations)
        self._activity_reads = BatchLoader(client.activity, client.activities)

    @classmethod
    def from_settings(
        cls,
        client: PipedriveClient,
        settings: PipedriveSettings,
        *,
        shared: SharedState | None = None,
        share_directory: bool = False,
        company: str | None = None,
    ) -> PeopleService:
        """`company`: whose records are shared under its name (default: the configured one)."""
        return cls(
            client,
            person_patience=settings.person_read_timeout,
            card_budget=settings.card_timeout,
            cache=CacheSettings.from_settings(settings),
            card_fields=settings.person_card_field_choice,
            shared=shared,
            company=settings.pipedrive_company_domain if company is None else company,
            share_directory=share_directory,
        )

    async def person_card(self, person_id: int, *, fresh: bool = False) -> PersonCard:
        """The person with its related records, as fresh as the person cache allows.

        Raises `PersonNotFound` and the other `PipedriveError`s when the person cannot be read,
        `BudgetExhausted` when it is not read within `person_patience` seconds.
        """
        deadline = deadline_after(self.person_patience)
        return await self._cards.get(
            person_id, lambda: self._assemble(person_id, deadline), fresh=fresh
        )

    async def _assemble(self, person_id: int, person_deadline: float) -> PersonCard:
        async with answer_by(person_deadline, f"person {person_id}"):
            person = await self._person_reads.load(person_id, deadline=person_deadline)
        deadline = deadline_after(self.card_budget)
        embedded = person.embedded
        owner = _Read(embedded.owner, person.owner_id, self._owner, deadline)
        organization = _Read(embedded.organization, person.org_id, self._organization, deadline)
        picture = _Read(
            embedded.picture,
            person.picture_id,
            lambda _, until: self._picture(person_id, until),
            deadline,
        )
        next_activity = _Read(None, person.next_activity_id, self._activity, deadline)
        last_activity = _Read(None, person.last_activity_id, self._activity, deadline)
        parts: dict[str, Callable[[], Awaitable[Any]]] = {
            name: read.fetch
            for name, read in (
                ("owner", owner),
                ("organization", organization),
                ("picture", picture),
                ("next_activity", next_activity),
            )
            if read.needed
        }
        if person.next_activity_id is not None:
            parts["activity_types"] = lambda: self._activity_type_names(deadline)
        if any(not is_empty(value) for value in person.custom_fields.values()):
            parts["fields"] = lambda: self._custom_fields(person, deadline)
        if person.last_activity_date is None and last_activity.needed:
            parts["last_activity"] = last_activity.fetch
        found = await _gather_within(parts, deadline, person_id)
        type_names: dict[str, str] = found.get("activity_types") or {}
        activity: Activity | None = found.get("next_activity")
        if activity is not None and activity.type_name is None and activity.type in type_names:
            activity = activity.model_copy(update={"type_name": type_names[activity.type]})
        last: Activity | None = found.get("last_activity")
        # An owner or organization whose read failed is still shown, by id ("User 12").
        return PersonCard(
            person=person,
            owner=found.get("owner") or embedded.owner or _by_id(User, person.owner_id),
            organization=found.get("organization")
            or embedded.organization
            or _by_id(Organization, person.org_id),
            picture=found.get("picture") or embedded.picture,
            next_activity=activity,
            last_activity_date=person.last_activity_date or (last.due_date if last else None),
            fields=found.get("fields", ()),
        )

    async def _owner(self, user_id: int, deadline: float) -> User:
        read = functools.partial(self._client.user, user_id, deadline=deadline)
        return await self._users.get(user_id, self._shared_load("users", str(user_id), read))

    async def _organization(self, org_id: int, deadline: float) -> Organization:
        read = functools.partial(self._organization_reads.load, org_id, deadline=deadline)
        return await self._organizations.get(
            org_id, self._shared_load("organizations", str(org_id), read)
        )

    def _shared_load(
        self, kind: str, key: str, read: Callable[[], Awaitable[R]], *, fresh: bool = False
    ) -> Callable[[], Awaitable[R]]:
        """`read`, or first what another process read, when that kind of record is shared."""
        shared = self._shared.get(kind)
        if shared is None:
            return read
        return functools.partial(shared.get, key, read, fresh=fresh)

    async def _picture(self, person_id: int, deadline: float) -> Picture:
        return await self._pictures.get(
            person_id, lambda: self._client.person_picture(person_id, deadline=deadline)
        )

    async def _activity(self, activity_id: int, deadline: float) -> Activity:
        return await self._activity_reads.load(activity_id, deadline=deadline)

    async def _activity_type_names(self, deadline: float) -> dict[str, str]:
        read = functools.partial(self._client.activity_types, deadline=deadline)
        return await self._activity_types.get(_ALL, self._shared_load("activity-types", _ALL, read))

    # -- custom fields ---------------------------------------------------------------------

    async def _custom_fields(self, person: Person, deadline: float) -> tuple[CustomField, ...]:
        read = functools.partial(self._read_field_definitions, deadline)
        definitions = await self._field_definitions.get(
            _ALL, self._shared_load("person-fields", _ALL, read)
        )
        if unknown_keys(person.custom_fields, definitions) and self._may_reread_definitions():
            log.info("person %s: a custom field is not in the definitions; rereading", person.id)
            reread = self._shared_load("person-fields", _ALL, read, fresh=True)
            definitions = await self._field_definitions.get(_ALL, reread, fresh=True)
        fields = select_fields(
            decode_custom_fields(person.custom_fields, definitions), self.card_fields
        )
        return await self._name_references(fields, deadline - REFERENCE_READS_MARGIN, person.id)

    async def _read_field_definitions(self, deadline: float) -> tuple[FieldDefinition, ...]:
        self._definitions_read_at = self._clock()
        return tuple(await self._client.person_fields(deadline=deadline))

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
                    _reference_key(ref),
                    functools.partial(self._record_name, ref.target, ref.id, deadline),
                )
        if not reads:
            return fields
        names = await _gather_within(reads, deadline, person_id)
        return tuple(_with_name(field, names) for field in fields)

    async def _record_name(
        self, target: Literal["user", "organization", "person"], record_id: int, deadline: float
    ) -> str | None:
        if target == "user":
            user = await self._owner(record_id, deadline)
            return user.name or user.email
        if target == "organization":
            return (await self._organization(record_id, deadline)).name
        person = await self._referenced_persons.get(
            record_id, lambda: self._person_reads.load(record_id, deadline=deadline)
        )
        return person.display_name


def select_fields(fields: Sequence[CustomField], choice: Sequence[str]) -> tuple[CustomField, ...]:
    """The fields `choice` names (field names in any case, or keys), in its order; all without."""
    if not choice:
        return tuple(fields)
    named: dict[str, list[CustomField]] = {}
    for field in fields:
        for name in {field.key.casefold(), field.name.strip().casefold()}:
            named.setdefault(name, []).append(field)
    chosen: dict[str, CustomField] = {}  # by key, in the order chosen
    for wanted in choice:
        for field in named.get(wanted.strip().casefold(), ()):
            chosen.setdefault(field.key, field)
    return tuple(chosen.values())


def _by_id(record: Callable[..., R], record_id: int | None) -> R | None:
    return record(id=record_id) if record_id is not None else None


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
