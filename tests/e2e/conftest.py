"""Session-wide stand-ins and app processes for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from devkit.harness import AppProcess, SlackSender, StandIns, app_environment


@pytest.fixture(scope="session")
def standins() -> Iterator[StandIns]:
    running = StandIns()
    running.start()
    running.pipedrive.add_people(99)  # persons 2..100: copies of person 1 with their own ids
    yield running
    running.stop()


@pytest.fixture(scope="session")
def start_app(standins: StandIns) -> Iterator[Callable[..., AppProcess]]:
    """`start_app(**env)`: an app process with these settings, started once per session.

    `instance` names a separate process with the same settings, for tests that leave state
    behind (a 429 holds every later request of that process back until Pipedrive's reset).
    Unfurls are Block Kit unless a test asks for `UNFURL_STYLE="work_object"` (the default of
    a deployed app), so these tests can read the cards they check.
    """
    apps: dict[tuple[tuple[str, str], ...], AppProcess] = {}

    def start(instance: str = "shared", **overrides: str) -> AppProcess:
        overrides.setdefault("UNFURL_STYLE", "blocks")
        key = (("instance", instance), *sorted(overrides.items()))
        if key not in apps:
            apps[key] = AppProcess(app_environment(standins, **overrides)).start()
        return apps[key]

    yield start
    for app in apps.values():
        app.terminate()


@pytest.fixture
def app(start_app: Callable[..., AppProcess]) -> AppProcess:
    """The app with default settings, except no person cache so each test sees fresh data."""
    return start_app(PERSON_CACHE_TTL="0")


@pytest.fixture
def slack(app: AppProcess, standins: StandIns) -> Iterator[SlackSender]:
    sender = SlackSender(app.url, standins.slack)
    yield sender
    sender.http.close()


@pytest.fixture(autouse=True)
def well_behaved(standins: StandIns) -> Iterator[None]:
    """Each test starts with a Pipedrive that behaves and a Slack as installed from the manifest."""
    yield
    standins.pipedrive.behave()
    standins.pipedrive.enforce_burst_limit(None)
    standins.slack.behave()
