"""The search pick list, "no person matches" and the stale-button answer: valid, escaped, total."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import (
    SHOW_PERSON_ACTION_ID,
    Message,
    no_match_message,
    preview,
    search_results_message,
    stale_button_message,
)
from bot.domain import SearchHit, SearchResults
from tests.blockkit import assert_no_injection, assert_valid_blocks

HOSTILE = ["<!channel>", "<@U123>", "<https://evil.example|click>", "&<>"]


def checked(message: Message, hostile: list[str] = HOSTILE) -> str:
    assert_valid_blocks(message.blocks)
    assert_no_injection(message.blocks, hostile, text=message.text)
    return preview(message.blocks)


def buttons(message: Message) -> list[dict[str, Any]]:
    return [block["accessory"] for block in message.blocks if "accessory" in block]


JANE = SearchHit(id=201, name="Jane Smith", organization_name="Org Name", primary_email="j@a.io")
WILL = SearchHit(id=1, name="Will Smith", organization_name=None, primary_email=None)


def test_each_person_gets_a_row_and_a_show_button_carrying_only_the_id() -> None:
    message = search_results_message(SearchResults(term="Smith", hits=(JANE, WILL), more=False))
    wording = checked(message)
    assert "2 people match “Smith”" in wording
    assert "Jane Smith · Org Name · j@a.io" in wording
    assert "Will Smith" in wording
    shown = buttons(message)
    assert [button["value"] for button in shown] == ["201", "1"]
    assert {button["action_id"] for button in shown} == {SHOW_PERSON_ACTION_ID}
    assert all(button["type"] == "button" and "url" not in button for button in shown)
    assert "refine" not in wording


def test_more_than_ten_shows_ten_and_asks_to_refine() -> None:
    hits = [SearchHit(id=n, name=f"Will Smith {n}") for n in range(1, 16)]
    message = search_results_message(SearchResults(term="Smith", hits=tuple(hits), more=False))
    wording = checked(message)
    assert len(buttons(message)) == 10
    assert "More than 10 people match" in wording
    assert "refine your search" in wording


def test_pipedrive_having_more_is_said_even_with_ten_given() -> None:
    hits = [SearchHit(id=n, name=f"Will {n}") for n in range(1, 11)]
    wording = checked(
        search_results_message(SearchResults(term="Will", hits=tuple(hits), more=True))
    )
    assert "refine your search" in wording


def test_a_nameless_person_is_named_by_id() -> None:
    wording = checked(
        search_results_message(SearchResults(term="xx", hits=(SearchHit(id=9), WILL), more=False))
    )
    assert "Person 9" in wording


def test_hostile_names_and_terms_are_escaped_and_clipped() -> None:
    hostile = " ".join(HOSTILE)
    hit = SearchHit(
        id=5, name=hostile + "x" * 500, organization_name=hostile, primary_email=hostile
    )
    message = search_results_message(
        SearchResults(term=hostile + "y" * 500, hits=(hit, WILL), more=False)
    )
    wording = checked(message)
    assert "x" * 200 not in wording and "y" * 200 not in wording
    assert "&lt;!channel&gt;" in message.text


def test_no_match_echoes_the_term_escaped_and_clipped() -> None:
    message = no_match_message("<!channel> " + "z" * 300)
    wording = checked(message)
    assert wording.startswith(":mag: No person matches “<!channel> ")
    assert "z" * 150 not in wording


def test_stale_button_says_to_search_again() -> None:
    assert "/person" in checked(stale_button_message())


_text = st.one_of(st.none(), st.text(max_size=400), st.sampled_from(HOSTILE))


@settings(max_examples=150)
@given(
    st.lists(
        st.builds(
            SearchHit,
            id=st.integers(min_value=1, max_value=2**53 - 1),
            name=_text,
            organization_name=_text,
            primary_email=_text,
        ),
        max_size=30,
    ),
    st.text(min_size=1, max_size=300).filter(str.strip),
    st.booleans(),
)
def test_any_hits_give_a_valid_pick_list(hits: list[SearchHit], term: str, more: bool) -> None:
    message = search_results_message(SearchResults(term=term, hits=tuple(hits), more=more))
    assert_valid_blocks(message.blocks)
    assert_no_injection(message.blocks, HOSTILE, text=message.text)
    assert len(buttons(message)) == min(len(hits), 10)
