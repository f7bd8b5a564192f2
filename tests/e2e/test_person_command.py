"""`/person` through the real app process: ack at once, answer through response_url."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from devkit.harness import PIPEDRIVE_TOKEN, AppProcess, SlackSender, StandIns, all_text


def test_person_1_answers_with_the_seed_card(slack: SlackSender) -> None:
    ack = slack.command("1", "happy")
    assert ack.status_code == 200
    assert ack.text == ""  # an empty ack: the card follows through response_url
    (answer,) = slack.answers("happy")
    assert answer["response_type"] == "ephemeral"
    card = all_text(answer["blocks"])
    for expected in (
        "Will Smith",
        "<mailto:12345@email.com|12345@email.com>",
        "<tel:12345|12345>",
        "Jane Doe",
        "Org Name",
        "Call Will about the renewal",
        "https://acme.pipedrive.com/person/1",
    ):
        assert expected in card
    assert "Will Smith" in answer["text"]


def test_a_pasted_person_link_works_like_an_id(slack: SlackSender) -> None:
    slack.command("https://acme.pipedrive.com/person/1/?tab=activities#x", "link")
    (answer,) = slack.answers("link")
    assert "Will Smith" in all_text(answer["blocks"])


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_comes_with_the_ack(slack: SlackSender, standins: StandIns, text: str) -> None:
    before = standins.pipedrive.count()
    ack = slack.command(text, "help")
    assert ack.status_code == 200
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    assert "/person 123" in all_text(body["blocks"])
    assert standins.pipedrive.count() == before


@pytest.mark.parametrize(
    "text",
    [
        "a",  # too short to search for (text like "abc" is a search: tests/e2e/test_search.py)
        "-1",
        "0",
        "1.5",
        "123456789012345678901234567890",
        "https://other.pipedrive.com/person/1",
        "https://acme.pipedrive.com/deal/1",
        "<!channel>",
    ],
)
def test_bad_input_gets_usage_and_no_pipedrive_call(
    slack: SlackSender, standins: StandIns, text: str
) -> None:
    before = standins.pipedrive.count()
    ack = slack.command(text, "bad-input")
    assert ack.status_code == 200
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    said = all_text(body["blocks"])
    assert "person id" in said.lower()
    assert "<!channel>" not in said
    assert standins.pipedrive.count() == before


def test_unknown_person_is_not_found(slack: SlackSender) -> None:
    slack.command("424242", "missing")
    (answer,) = slack.answers("missing")
    assert answer["response_type"] == "ephemeral"
    assert "424242" in all_text(answer["blocks"])
    assert "find person 424242" in all_text(answer["blocks"])


def test_a_deleted_person_is_shown_and_flagged(slack: SlackSender, standins: StandIns) -> None:
    deleted = {"success": True, "data": {"id": 77, "name": "Gone Person", "is_deleted": True}}
    standins.pipedrive.put("/api/v2/persons/77", deleted)
    slack.command("77", "deleted")
    (answer,) = slack.answers("deleted")
    card = all_text(answer["blocks"])
    assert "Gone Person" in card
    assert "deleted" in card.lower()


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (401, {"success": False, "error": "unauthorized access"}, {}, "PIPEDRIVE_API_TOKEN"),
        (403, {"success": False, "error": "You do not have permissions"}, {}, "let me read"),
        (402, {"success": False, "error": "Payment required"}, {}, "let me read"),
        (500, {"success": False, "error": "oops"}, {}, "unavailable"),
        (503, None, {}, "unavailable"),
    ],
)
def test_each_pipedrive_failure_has_its_own_answer(
    slack: SlackSender,
    standins: StandIns,
    status: int,
    body: object,
    headers: dict[str, str],
    expected: str,
) -> None:
    standins.pipedrive.misbehave("/api/v2/persons/1", status=status, body=body, headers=headers)
    name = f"failure-{status}"
    slack.command("1", name)
    (answer,) = slack.answers(name)
    said = all_text(answer["blocks"])
    assert answer["response_type"] == "ephemeral"
    assert expected.lower() in said.lower()
    assert PIPEDRIVE_TOKEN not in said


def test_a_429_says_when_to_try_again(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    # Its own process: after this 429 the app rightly holds every request back for 30 s,
    # longer than a person read's patience (10 s): no waiting it out.
    app = start_app(instance="rate-limited", PERSON_CACHE_TTL="0")
    slack = SlackSender(app.url, standins.slack)
    too_many = {"success": False, "error": "Too many requests"}
    standins.pipedrive.misbehave(
        "/api/v2/persons/1", status=429, body=too_many, headers={"Retry-After": "30"}
    )
    slack.command("1", "failure-429")
    (answer,) = slack.answers("failure-429")
    assert "try again in 30 s" in all_text(answer["blocks"])
    # The next lookup does not go to Pipedrive into another 429: it is told to wait too.
    before = standins.pipedrive.count("/api/v2/persons/2")
    slack.command("2", "after-429")
    (answer,) = slack.answers("after-429")
    assert "try again in" in all_text(answer["blocks"])
    assert standins.pipedrive.count("/api/v2/persons/2") == before


def test_a_non_json_answer_from_a_proxy_is_unavailable(
    slack: SlackSender, standins: StandIns
) -> None:
    standins.pipedrive.misbehave("/api/v2/persons/1", raw=b"<html>Bad gateway</html>")
    slack.command("1", "html")
    (answer,) = slack.answers("html")
    assert "unavailable" in all_text(answer["blocks"]).lower()


def test_a_pipedrive_slower_than_the_card_budget_still_gives_the_card(
    slack: SlackSender, standins: StandIns
) -> None:
    # Every request answered in 2.6 s, more than CARD_TIMEOUT (2.5 s): the person read has its
    # own patience (PERSON_READ_TIMEOUT, 10 s); the related reads are left out.
    standins.pipedrive.misbehave("/api/*", delay=2.6)
    ack = slack.command("50", "slow")
    assert ack.status_code == 200
    # The ack came back while Pipedrive had not answered yet.
    assert standins.pipedrive.answered_count("/api/v2/persons/50") == 0
    (answer,) = slack.answers("slow", timeout=15)
    assert header_text(answer) == "Will Smith 50"


def test_a_429_with_no_daily_requests_left_is_waited_out(
    slack: SlackSender, standins: StandIns
) -> None:
    # x-daily-requests-left counts POST/PUT requests; this GET's 429 is the burst limit's.
    burst = {"Retry-After": "1", "x-daily-requests-left": "0"}
    too_many = {"success": False, "error": "Too many requests"}
    standins.pipedrive.misbehave(
        "/api/v2/persons/52", status=429, body=too_many, headers=burst, times=1
    )
    slack.command("52", "burst-429")
    (answer,) = slack.answers("burst-429")
    assert header_text(answer) == "Will Smith 52"


def test_a_person_slower_than_its_patience_is_answered_too_slow(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(PERSON_CACHE_TTL="0", PERSON_READ_TIMEOUT="1")
    slack = SlackSender(app.url, standins.slack)
    standins.pipedrive.misbehave("/api/v2/persons/53", delay=3.0)
    slack.command("53", "too-slow")
    (answer,) = slack.answers("too-slow", timeout=15)
    said = all_text(answer["blocks"]).lower()
    assert "too slow" in said


def header_text(answer: dict[str, Any]) -> str | None:
    first = answer["blocks"][0]
    return str(first["text"]["text"]) if first["type"] == "header" else None


def test_200_concurrent_commands_are_all_answered(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    # Default settings (person cache on), as deployed: one read serves the whole burst.
    slack = SlackSender(start_app(instance="burst").url, standins.slack)
    names = [f"burst-{n}" for n in range(200)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        acks = list(pool.map(lambda name: slack.command("1", name), names))
    assert [ack.status_code for ack in acks] == [200] * 200
    for name in names:
        (answer,) = slack.answers(name, timeout=30)
        assert "Will Smith" in all_text(answer["blocks"])


def test_a_custom_field_shows_by_its_name_and_option_label(slack: SlackSender) -> None:
    slack.command("1", "custom-fields")
    (answer,) = slack.answers("custom-fields")
    (details,) = [
        block for block in answer["blocks"] if block.get("text", {}).get("text") == "*Details*"
    ]
    shown = [field["text"] for field in details["fields"]]
    assert "*Customer Type*\nCompany" in shown  # not option id 191
    assert "*Account manager*\nJane Doe" in shown  # not user id 123
    assert "9dc80c50d78a15643bfc4ca79d76156a73a1ca0e" not in all_text(answer["blocks"])
