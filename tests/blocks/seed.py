"""The seed person (`person-1.json`) as the card sees it: with the next activity fetched."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

from bot.domain import Activity, Person
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


def seed_person() -> Person:
    data = json.loads((FIXTURES / "pipedrive" / "person-1.json").read_text())["data"]
    person = V1Person.model_validate(data).to_domain()
    return person.model_copy(update={"next_activity": NEXT_ACTIVITY})
