"""Hostile Pipedrive answers through the real process: bodies that never end or never fit."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    link_shared_event,
    wait_for,
)


def is_card(answer: dict[str, object]) -> bool:
    blocks = answer["blocks"]
    return isinstance(blocks, list) and blocks[0]["type"] == "header"


def test_a_body_that_never_ends_does_not_block_the_person_after_pipedrive_recovers(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(instance="trickle", PERSON_CACHE_TTL="0", PERSON_READ_TIMEOUT="1")
    slack = SlackSender(app.url, standins.slack)
    # 200, then a byte every half second, never ending; only for the first read.
    standins.pipedrive.misbehave("/api/v2/persons/70", trickle=0.5, times=1)
    slack.command("70", "trickling")
    (answer,) = slack.answers("trickling")
    assert not is_card(answer)

    # Pipedrive recovered (the trickling connection may still be open): the person is read anew.
    slack.command("70", "recovered")
    (answer,) = slack.answers("recovered")
    assert is_card(answer)
    url = "https://acme.pipedrive.com/person/70?unfurl"
    slack.event(link_shared_event([url]))
    unfurl = wait_for(
        lambda: next(
            (
                call.body
                for call in standins.slack.calls_to("chat.unfurl")
                if url in call.body.get("unfurls", {})
            ),
            None,
        ),
        what="the unfurl",
    )
    assert "Will Smith 70" in all_text(unfurl["unfurls"][url]["blocks"])


@pytest.mark.parametrize(
    ("person_id", "how"),
    [(71, {"size": 50 * 1024 * 1024}), (72, {"size": 512 * 1024 * 1024, "gzip": True})],
    ids=["50-MB-JSON", "gzip-bomb-512-MB"],
)
def test_a_body_too_large_is_unavailable_and_the_server_keeps_answering(
    slack: SlackSender, standins: StandIns, app: AppProcess, person_id: int, how: dict[str, object]
) -> None:
    standins.pipedrive.misbehave(f"/api/v2/persons/{person_id}", **how)
    health: list[int] = []
    done = threading.Event()

    def poll_health() -> None:
        with httpx.Client(timeout=10) as http:
            while not done.is_set():
                health.append(http.get(f"{app.url}/healthz").status_code)

    poller = threading.Thread(target=poll_health)
    poller.start()
    try:
        wait_for(lambda: health, what="the health poller's first answer")  # polling, then the body
        slack.command(str(person_id), f"too-large-{person_id}")
        (answer,) = slack.answers(f"too-large-{person_id}", timeout=30)
    finally:
        done.set()
        poller.join()

    assert "unavailable" in all_text(answer["blocks"]).lower()
    assert health and set(health) == {200}  # every /healthz asked meanwhile was answered
