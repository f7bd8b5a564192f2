"""Cards for the blocks tests: the seed person (`person-1.json`) with its next activity, and
`card_of(...)`, a PersonCard from the fields of a person and of its card in one call."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

from bot.domain import Activity, Person, PersonCard
from bot.pipedrive.wire_v1 import V1Person

FIXTURES = Path(__file__).parent.parent / "fixtures"

NEXT_ACTIVITY = Activity(
    id=128,
    subject="Call about the renewal",
    type="call",
    type_name="Call",
    due_date=date(2019, 11, 29),
    due_time=time(11, 30),
)


CARD_PARTS = frozenset(PersonCard.model_fields) - {"person"}


def card_of(**fields: Any) -> PersonCard:
    """`card_of(id=7, name="Will", owner=User(...))`: the card's parts, the rest the person's."""
    parts = {key: value for key, value in fields.items() if key in CARD_PARTS}
    person = Person(**{key: value for key, value in fields.items() if key not in CARD_PARTS})
    return PersonCard(person=person, **parts)


def seed_person(**changes: Any) -> PersonCard:
    """The seed person's card, as the service assembles it from the v1 read; `changes` to the
    person or the card's parts (`seed_person(is_deleted=True, fields=...)`)."""
    data = json.loads((FIXTURES / "pipedrive" / "person-1.json").read_text())["data"]
    person = V1Person.model_validate(data).to_domain()
    embedded = person.embedded
    card = PersonCard(
        person=person,
        owner=embedded.owner,
        organization=embedded.organization,
        picture=embedded.picture,
        next_activity=NEXT_ACTIVITY,
        last_activity_date=person.last_activity_date,
    )
    return with_changes(card, **changes)


def with_changes(card: PersonCard, **changes: Any) -> PersonCard:
    """The card with some of its parts or its person's fields changed (validated again)."""
    parts = {key: value for key, value in changes.items() if key in CARD_PARTS}
    person = {key: value for key, value in changes.items() if key not in CARD_PARTS}
    data = {**dict(card), **parts, "person": card.person.model_copy(update=person)}
    return PersonCard.model_validate(data)
