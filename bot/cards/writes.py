"""The write use case: a note or a follow-up activity on a person, from Slack.

`Writes(client, attribute=...)` writes with the client it is given. With the app's API-token
client every write is that one Pipedrive user's, so a note ends by saying who in Slack added it
(`attribute=True`); with a user's own OAuth client Pipedrive shows them as its author, and the
note says nothing more (`attribute=False`).

Each write first reads the person with that same client (1 token): a person this writer may not
see is not written on, and the note or activity is linked to the person's organization as it is
now. Writes are never retried (see `PipedriveClient._post`). A write and its read together must
be done within `budget` seconds, so the answer still fits in the 3 seconds Slack gives a modal
submission. Nothing raises past it: Pipedrive's errors and our own bugs are `Failure` values.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.cards.budget import BudgetExhausted, answer_by, deadline_after
from bot.cards.cache import AsyncTTLCache
from bot.cards.failures import failure
from bot.domain import Failure, FailureKind, NewActivity, Person
from bot.pipedrive import PipedriveClient, PipedriveError, PipedriveMissingScope

log = logging.getLogger(__name__)

# Seconds for a person read and a write together: Slack wants a modal's answer within 3 s.
WRITE_BUDGET = 2.0
# Seconds for the reads a form needs before it opens (the person, the activity types).
FORM_BUDGET = 2.5
ACTIVITY_TYPES_TTL = 600.0
ATTRIBUTION = "— added from Slack by {name}"
_ALL = "all"
T = TypeVar("T")


@dataclass(frozen=True)
class Written:
    """What Pipedrive created (a note's or an activity's id), and the person it is on."""

    record_id: int
    person: Person


class Writes:
    def __init__(
        self,
        client: PipedriveClient,
        *,
        attribute: bool,
        budget: float = WRITE_BUDGET,
        form_budget: float = FORM_BUDGET,
        activity_types_ttl: float = ACTIVITY_TYPES_TTL,
    ) -> None:
        self._client = client
        self.attribute = attribute
        self.budget = budget
        self.form_budget = form_budget
        self._activity_types: AsyncTTLCache[str, dict[str, str]] = AsyncTTLCache(
            ttl=activity_types_ttl, max_entries=1
        )

    async def person(self, person_id: int, *, reference: str) -> Person | Failure:
        """The person a form is about, as this writer sees them (for the form's title)."""
        return await self._run(
            lambda deadline: self._client.person(person_id, deadline=deadline),
            budget=self.form_budget,
            person_id=person_id,
            reference=reference,
        )

    async def activity_types(self, *, reference: str) -> dict[str, str] | Failure:
        """The types a new activity may have, names by key; read once per `activity_types_ttl`."""

        async def load(deadline: float) -> dict[str, str]:
            return await self._activity_types.get(
                _ALL, lambda: self._client.activity_type_choices(deadline=deadline)
            )

        return await self._run(load, budget=self.form_budget, reference=reference)

    async def add_note(
        self, *, person_id: int, text: str, author: str, reference: str
    ) -> Written | Failure:
        """`text` typed in Slack as a note on the person; `author`: the Slack user's name, for
        the attribution line."""

        async def write(deadline: float) -> Written:
            person = await self._client.person(person_id, deadline=deadline)
            content = note_html(text, added_by=author if self.attribute else None)
            note_id = await self._client.add_note(
                person_id=person.id, org_id=person.org_id, content=content, deadline=deadline
            )
            return Written(record_id=note_id, person=person)

        return await self._run(write, budget=self.budget, person_id=person_id, reference=reference)

    async def schedule_follow_up(
        self, activity: NewActivity, *, reference: str
    ) -> Written | Failure:
        """The activity on its person, linked to the person's organization (whatever
        `activity.org_id` says)."""

        async def write(deadline: float) -> Written:
            person = await self._client.person(activity.person_id, deadline=deadline)
            linked = activity.model_copy(update={"org_id": person.org_id})
            record_id = await self._client.add_activity(linked, deadline=deadline)
            return Written(record_id=record_id, person=person)

        return await self._run(
            write, budget=self.budget, person_id=activity.person_id, reference=reference
        )

    async def _run(
        self,
        work: Callable[[float], Awaitable[T]],
        *,
        budget: float,
        reference: str,
        person_id: int | None = None,
    ) -> T | Failure:
        deadline = deadline_after(budget)
        try:
            async with answer_by(deadline, "write"):
                return await work(deadline)
        except BudgetExhausted:
            log.warning(
                "request_id=%s person %s: Pipedrive too slow for a form", reference, person_id
            )
            return Failure(FailureKind.UNAVAILABLE, person_id=person_id, reference=reference)
        except PipedriveMissingScope as error:
            log.warning("request_id=%s person %s: %s", reference, person_id, error)
            return Failure(FailureKind.MISSING_SCOPE, person_id=person_id, reference=reference)
        except PipedriveError as error:
            return failure(error, person_id, reference)
        except Exception:
            log.exception("request_id=%s person %s: unexpected error", reference, person_id)
            return Failure(FailureKind.BUG, person_id=person_id, reference=reference)


def note_html(text: str, *, added_by: str | None) -> str:
    """A note's HTML from text typed in Slack: every character shown as typed (`<script>` is
    text), each line break a `<br>`; `added_by`: a last line naming who added it from Slack."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    if added_by is not None:
        lines += ["", ATTRIBUTION.format(name=added_by)]
    return "<br>".join(html.escape(line) for line in lines)
