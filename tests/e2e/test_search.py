"""`/person <name | email | phone>` and the pick list's buttons, through the real app process.

The stand-in searches the persons it holds: Will Smith (1) and his copies "Will Smith 2".."Will
Smith 100" (see conftest.py), Jane Smith (201, jane@acme.com) and Will Turner (202).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from devkit.harness import (
    PIPEDRIVE_TOKEN,
    TAMPERED_VALUES,
    SlackSender,
    StandIns,
    all_text,
    block_actions,
    wait_for,
)

SEARCH = "/api/v2/persons/search"


def searches(standins: StandIns) -> list[dict[str, str]]:
    return [seen.query for seen in standins.pipedrive.requests if seen.path == SEARCH]


def show_buttons(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        block["accessory"]
        for block in answer["blocks"]
        if block.get("accessory", {}).get("action_id") == "show_person"
    ]


def click(slack: SlackSender, response_name: str, **action: Any) -> int:
    button = {"type": "button", "action_id": "show_person", "text": {"type": "plain_text"}}
    payload = block_actions(slack, response_name, {**button, **action})
    return slack.action(payload).status_code


def test_an_exact_email_finds_and_shows_the_person(slack: SlackSender, standins: StandIns) -> None:
    before = len(searches(standins))
    ack = slack.command("jane@acme.com", "email")
    assert ack.status_code == 200
    assert ack.text == ""  # acked before searching: the answer follows through response_url
    (answer,) = slack.answers("email")
    assert answer["response_type"] == "ephemeral"
    card = all_text(answer["blocks"])
    for expected in ("Jane Smith", "<mailto:jane@acme.com|jane@acme.com>", "Org Name"):
        assert expected in card
    assert "https://acme.pipedrive.com/person/201" in card
    (query,) = searches(standins)[before:]
    assert query == {
        "term": "jane@acme.com",
        "fields": "name,email,phone",
        "exact_match": "true",
        "limit": "11",
    }


def test_one_match_by_name_is_the_card(slack: SlackSender) -> None:
    slack.command("Turner", "one")
    (answer,) = slack.answers("one")
    assert "Will Turner" in all_text(answer["blocks"])
    assert show_buttons(answer) == []


def test_no_match_says_so(slack: SlackSender) -> None:
    slack.command("Nobody Atall", "none")
    (answer,) = slack.answers("none")
    assert answer["response_type"] == "ephemeral"
    assert "No person matches “Nobody Atall”" in all_text(answer["blocks"])


def test_several_matches_are_a_pick_list(slack: SlackSender) -> None:
    slack.command("acme.com", "several")
    (answer,) = slack.answers("several")
    assert answer["response_type"] == "ephemeral"
    said = all_text(answer["blocks"])
    assert "*Jane Smith* · Org Name · jane@acme.com" in said
    assert "*Will Turner* · will.turner@acme.com" in said
    assert [button["value"] for button in show_buttons(answer)] == ["201", "202"]
    assert "refine" not in said


def test_more_than_ten_matches_show_ten_and_ask_to_refine(slack: SlackSender) -> None:
    slack.command("Smith", "many")
    (answer,) = slack.answers("many")
    assert len(show_buttons(answer)) == 10
    assert "refine your search" in all_text(answer["blocks"])


def test_a_button_replaces_the_pick_list_with_the_card(slack: SlackSender) -> None:
    assert click(slack, "picked", value="202") == 200
    (answer,) = slack.answers("picked")
    assert answer["replace_original"] is True
    card = all_text(answer["blocks"])
    assert "Will Turner" in card
    assert "https://acme.pipedrive.com/person/202" in card


@pytest.mark.parametrize("action", TAMPERED_VALUES, ids=json.dumps)
def test_a_tampered_button_gets_a_clear_answer_and_no_lookup(
    slack: SlackSender, standins: StandIns, action: dict[str, str]
) -> None:
    before = standins.pipedrive.count()
    name = f"tampered-{abs(hash(json.dumps(action)))}"
    assert click(slack, name, **action) == 200
    (answer,) = slack.answers(name)
    assert answer["replace_original"] is False  # the pick list stays
    said = all_text(answer["blocks"])
    assert "/person" in said and "<!channel>" not in said
    assert standins.pipedrive.count() == before


def test_a_button_for_a_person_gone_since_keeps_the_list(slack: SlackSender) -> None:
    click(slack, "gone", value="424242")
    (answer,) = slack.answers("gone")
    assert answer["replace_original"] is False
    assert "find person 424242" in all_text(answer["blocks"])


def test_a_hostile_term_is_only_ever_a_query_parameter(
    slack: SlackSender, standins: StandIns
) -> None:
    before = len(standins.pipedrive.requests)
    term = "1; DROP TABLE persons; -- ../../users/me?x=<!channel>&y#z"
    slack.command(term, "hostile")
    (answer,) = slack.answers("hostile")
    said = all_text(answer["blocks"])
    assert "No person matches" in said
    assert "<!channel>" not in said
    (seen,) = standins.pipedrive.requests[before:]
    assert seen.path == SEARCH
    assert seen.query["term"] == term


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "0"}, "try again in 1 s"),
        # x-daily-requests-left counts POST/PUT requests: this 429 is the burst limit's.
        (429, {"Retry-After": "0", "x-daily-requests-left": "0"}, "try again in 1 s"),
        (500, {}, "unavailable"),
        (401, {}, "PIPEDRIVE_API_TOKEN"),
    ],
)
def test_a_failed_search_gets_the_usual_answer(
    slack: SlackSender,
    standins: StandIns,
    status: int,
    headers: dict[str, str],
    expected: str,
) -> None:
    standins.pipedrive.misbehave(
        SEARCH, status=status, body={"success": False, "error": "nope"}, headers=headers
    )
    name = f"search-failure-{status}-{len(headers)}"
    slack.command(f"Failing {name}", name)
    (answer,) = slack.answers(name)
    said = all_text(answer["blocks"])
    assert answer["response_type"] == "ephemeral"
    assert expected.lower() in said.lower()
    assert PIPEDRIVE_TOKEN not in said


@pytest.mark.parametrize("text", ["a", "é", "-5", "0.5"])
def test_what_cannot_be_searched_gets_usage_and_no_pipedrive_call(
    slack: SlackSender, standins: StandIns, text: str
) -> None:
    before = standins.pipedrive.count()
    ack = slack.command(text, "unsearchable")
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    said = all_text(body["blocks"])
    assert "person id" in said and "name, email or phone" in said
    assert standins.pipedrive.count() == before


def test_a_slow_search_does_not_delay_the_ack(slack: SlackSender, standins: StandIns) -> None:
    standins.pipedrive.misbehave(SEARCH, delay=5.0)
    asked = standins.pipedrive.count(SEARCH)
    ack = slack.command("Slow Search", "slow-search")
    assert ack.status_code == 200
    wait_for(lambda: standins.pipedrive.count(SEARCH) > asked, what="the search request")
    assert standins.pipedrive.answered_count(SEARCH) < standins.pipedrive.count(SEARCH)
    slack.answers("slow-search", timeout=15)


def test_a_search_slower_than_its_budget_is_answered_too_slow(
    slack: SlackSender, standins: StandIns
) -> None:
    standins.pipedrive.misbehave(SEARCH, delay=5.0)
    slack.command("Slower Search", "slower-search")
    (answer,) = slack.answers("slower-search", timeout=15)
    said = all_text(answer["blocks"]).lower()
    assert "slow" in said or "unavailable" in said
