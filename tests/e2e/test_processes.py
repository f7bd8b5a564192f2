"""Two app processes sharing one Redis behave as one app towards Pipedrive: together they keep
the token's burst limit, as Pipedrive counts it across every process (runs with TEST_REDIS_URL).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    app_environment_for,
    wait_for,
)
from devkit.pipedrive_process import PipedriveProcess

FIRST = 3000
PEOPLE = 80
# A plan's limit the burst must reach: the test is about sharing it, not about its size.
LIMIT = 20
COMMANDS = 400


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0): no Redis to test")
    return url


@pytest.fixture
def pipedrive() -> Iterator[PipedriveProcess]:
    # A process of its own: it stamps each request as it arrives, never late behind this
    # process's sender threads (which would bunch its stamps and count requests over the limit
    # that were not). A token of its own: no window or hold another run left in Redis applies.
    standin = PipedriveProcess(
        token=f"e2e-processes-{uuid.uuid4().hex}", first=FIRST, people=PEOPLE, burst_limit=LIMIT
    )
    yield standin.start()
    standin.stop()


@pytest.fixture
def two_processes(
    standins: StandIns, pipedrive: PipedriveProcess, redis_url: str
) -> Iterator[tuple[AppProcess, AppProcess]]:
    env = app_environment_for(
        pipedrive.url,
        standins.slack.api_url,
        REDIS_URL=redis_url,
        PIPEDRIVE_API_TOKEN=pipedrive.token,
        PIPEDRIVE_BURST_LIMIT=str(LIMIT),
        # Two app processes, the stand-ins and the senders share this machine's cores: the test
        # is about the shared limit, so the person read may wait its turn longer than usual.
        PERSON_READ_TIMEOUT="30",
    )
    first, second = AppProcess(env).start(), AppProcess(env).start()
    yield first, second
    first.terminate()
    second.terminate()


def test_a_burst_over_two_processes_stays_within_the_tokens_burst_limit(
    two_processes: tuple[AppProcess, AppProcess], standins: StandIns, pipedrive: PipedriveProcess
) -> None:
    senders = [SlackSender(app.url, standins.slack) for app in two_processes]
    before = pipedrive.counts()

    def send(number: int) -> int:
        person_id = FIRST + number % PEOPLE
        sender = senders[number % 2]  # every other command to each process
        return sender.command(str(person_id), f"two-{number}").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(COMMANDS)))

    assert statuses == [200] * COMMANDS
    answers = wait_for(
        lambda: _answered(standins) if _pause() else None, timeout=90, what="every answer"
    )
    assert all(answer["blocks"][0]["type"] == "header" for answer in answers.values())
    after = pipedrive.counts()
    assert after.over_limit - before.over_limit == 0
    assert after.requests - before.requests > LIMIT  # enough requests for the limit to matter
    for sender in senders:
        sender.http.close()


def _pause() -> bool:  # a poll every quarter second leaves the cores to the app processes
    time.sleep(0.25)
    return True


def _answered(standins: StandIns) -> dict[str, dict[str, Any]] | None:
    answers = {
        call.path: call.body
        for call in standins.slack.calls
        if call.method == "response_url" and call.path.startswith("/response/two-")
    }
    return answers if len(answers) >= COMMANDS else None
