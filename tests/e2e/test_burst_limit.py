"""The smallest plan's burst limit, 20 requests per 2 s, with the default settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from devkit.harness import AppProcess, SlackSender, StandIns, app_environment_for
from devkit.pipedrive_process import PipedriveProcess

FIRST = 1000
PEOPLE = 60


@pytest.fixture
def smallest_plan() -> Iterator[PipedriveProcess]:
    """Sixty people with organizations of their own, and Pipedrive enforcing 20 per 2 s: in a
    process of its own, so it stamps each request as it arrives, never late behind this
    process's sender threads (which would count requests over the limit that were not)."""
    pipedrive = PipedriveProcess(
        token=f"smallest-plan-{uuid.uuid4().hex}", first=FIRST, people=PEOPLE, burst_limit=20
    )
    yield pipedrive.start()
    pipedrive.stop()


@pytest.fixture
def app(smallest_plan: PipedriveProcess, standins: StandIns) -> Iterator[AppProcess]:
    """The default settings, nothing cached yet."""
    env = app_environment_for(
        smallest_plan.url, standins.slack.api_url, PIPEDRIVE_API_TOKEN=smallest_plan.token
    )
    app = AppProcess(env).start()
    yield app
    app.terminate()


def test_sixty_lookups_at_once_all_get_cards_and_none_goes_over_the_limit(
    app: AppProcess, smallest_plan: PipedriveProcess, standins: StandIns
) -> None:
    slack = SlackSender(app.url, standins.slack)
    before = smallest_plan.counts()
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
    after = smallest_plan.counts()
    assert after.over_limit - before.over_limit == 0
    assert after.requests - before.requests > 20  # the limit was there to be exceeded
    slack.http.close()
