"""The smallest plan's burst limit, 20 requests per 2 s, with the default settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from devkit.harness import AppProcess, SlackSender, StandIns

FIRST = 1000
PEOPLE = 60


@pytest.fixture
def smallest_plan(standins: StandIns) -> Iterator[StandIns]:
    """Sixty people with organizations of their own, and Pipedrive enforcing 20 per 2 s."""
    standins.pipedrive.add_people(PEOPLE, start=FIRST, own_organizations=True)
    standins.pipedrive.enforce_burst_limit(20)
    yield standins
    standins.pipedrive.enforce_burst_limit(None)


def test_sixty_lookups_at_once_all_get_cards_and_none_goes_over_the_limit(
    start_app: Callable[..., AppProcess], smallest_plan: StandIns
) -> None:
    app = start_app(instance="smallest-plan")  # the default settings, nothing cached yet
    slack = SlackSender(app.url, smallest_plan.slack)
    pipedrive = smallest_plan.pipedrive
    before = len(pipedrive.requests)
    people = range(FIRST, FIRST + PEOPLE)

    with ThreadPoolExecutor(max_workers=20) as pool:
        acks = list(
            pool.map(lambda person_id: slack.command(str(person_id), f"plan-{person_id}"), people)
        )

    assert [ack.status_code for ack in acks] == [200] * PEOPLE
    for person_id in people:
        (answer,) = slack.answers(f"plan-{person_id}", timeout=30)
        first = answer["blocks"][0]
        assert first["type"] == "header", answer["text"]
        assert first["text"]["text"] == f"Will Smith {person_id}"
    assert pipedrive.over_limit(before) == 0
    assert len(pipedrive.requests) > before + 20  # the limit was there to be exceeded
