"""Card options: the `/person` card's buttons, the shared copy, the refreshed card, compact."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import (
    ADD_NOTE_ACTION_ID,
    FOLLOW_UP_ACTION_ID,
    OPEN_ACTION_ID,
    REFRESH_ACTION_ID,
    SHARE_ACTION_ID,
    person_card,
    person_card_text,
)
from bot.domain import CardDetail, Contact, Organization, Person, Picture
from tests.blockkit import assert_no_injection, assert_valid_blocks
from tests.blocks.seed import card_of, seed_person
from tests.blocks.test_person_card import HOSTILE, NOW, persons

DOMAIN = "acme"
FETCHED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
SLACK_USERS = ("W111", "U0AB12CD")  # ids as Slack sends them in a click


def card(person: Person, **options: Any) -> list[dict[str, Any]]:
    """The card, checked as every card is: valid Block Kit, nothing injected."""
    blocks = person_card(person, company_domain=DOMAIN, now=NOW, **options)
    assert_valid_blocks(blocks)
    # The sharer's id comes from Slack's click, so its mention is the code's own token.
    mentions = [options["shared_by"]] if options.get("shared_by") else []
    assert_no_injection(blocks, HOSTILE, text=person_card_text(person), mentions=mentions)
    return blocks


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    (row,) = [block for block in blocks if block["type"] == "actions"]
    return {element["action_id"]: element for element in row["elements"]}


def contexts(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        element["text"]
        for block in blocks
        if block["type"] == "context"
        for element in block["elements"]
    ]


def said(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_by_default_a_card_only_links_to_pipedrive() -> None:
    assert list(buttons(card(seed_person()))) == [OPEN_ACTION_ID]


def test_the_person_card_offers_share_refresh_and_writes_carrying_only_the_id() -> None:
    found = buttons(card(seed_person(), actions=True))
    assert list(found) == [
        OPEN_ACTION_ID,
        SHARE_ACTION_ID,
        REFRESH_ACTION_ID,
        ADD_NOTE_ACTION_ID,
        FOLLOW_UP_ACTION_ID,
    ]
    assert found[ADD_NOTE_ACTION_ID] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Add note", "emoji": True},
        "action_id": "add_note",
        "value": "1",
    }
    assert found[FOLLOW_UP_ACTION_ID]["action_id"] == "schedule_follow_up"
    assert found[FOLLOW_UP_ACTION_ID]["value"] == "1"
    assert found[SHARE_ACTION_ID] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Share in channel", "emoji": True},
        "action_id": "share_person",
        "value": "1",
    }
    assert found[REFRESH_ACTION_ID]["value"] == "1"
    assert "url" not in found[REFRESH_ACTION_ID]
    assert found[OPEN_ACTION_ID]["url"] == "https://acme.pipedrive.com/person/1"


def test_a_shared_copy_names_who_shared_it_and_cannot_be_shared_again() -> None:
    for actions in (False, True):
        blocks = card(seed_person(), shared_by="W111", actions=actions)
        assert contexts(blocks)[-1] == "Shared by <@W111>"
        assert SHARE_ACTION_ID not in buttons(blocks)
        assert ADD_NOTE_ACTION_ID not in buttons(blocks)
        assert FOLLOW_UP_ACTION_ID not in buttons(blocks)
    assert list(buttons(card(seed_person(), shared_by="U0AB12CD"))) == [OPEN_ACTION_ID]


@pytest.mark.parametrize(
    "user", ["", "<!channel>", "U1|x", "W111> <!here", "u111", "U" + "1" * 40, "C111"]
)
def test_a_sharer_that_is_no_user_id_is_not_mentioned(user: str) -> None:
    blocks = card(seed_person(), shared_by=user)
    assert contexts(blocks)[-1] == "Shared from Slack"
    assert "<@" not in said(blocks)


def test_a_refreshed_card_says_when_it_was_read() -> None:
    blocks = card(seed_person(), actions=True, fetched_at=FETCHED)
    assert contexts(blocks)[-1] == (
        "Fetched from Pipedrive "
        "<!date^1772357400^{date_short_pretty} at {time}|Sun 01 Mar 2026 09:30 UTC>"
    )
    both = card(seed_person(), shared_by="W111", fetched_at=FETCHED)
    assert contexts(both)[-1].startswith("Shared by <@W111> · Fetched from Pipedrive <!date^")


def test_a_compact_card_shows_name_picture_owner_organization_and_link_only() -> None:
    blocks = card(seed_person(), detail="compact")
    assert [block["type"] for block in blocks] == ["header", "section", "actions"]
    header, profile, _ = blocks
    assert header["text"]["text"] == "Will Smith"
    assert [field["text"] for field in profile["fields"]] == [
        "*Owner*\nJane Doe",
        "*Organization*\n<https://acme.pipedrive.com/organization/1234|Org Name>",
    ]
    assert profile["accessory"]["type"] == "image"
    assert list(buttons(blocks)) == [OPEN_ACTION_ID]
    text = said(blocks)
    for absent in ("12345", "mailto:", "tel:", "Mustamäe", "renewal", "Details", "Deals"):
        assert absent not in text, absent


def test_a_compact_card_of_a_deleted_person_still_says_so() -> None:
    person = seed_person(**{"is_deleted": True})
    blocks = card(person, detail="compact")
    assert "deleted in Pipedrive" in contexts(blocks)[0]


def test_a_compact_card_of_a_bare_person_is_still_a_card() -> None:
    bare = card(card_of(id=7), detail="compact")
    assert [block["type"] for block in bare] == ["header", "actions"]
    pictured = card_of(id=7, picture=Picture(urls={128: "https://x.io/a.png"}))
    pictured = card(pictured, detail="compact")
    assert pictured[1]["text"]["text"] == "Person 7"
    assert pictured[1]["accessory"]["image_url"] == "https://x.io/a.png"


def test_a_compact_card_names_an_organization_it_could_not_read_by_id() -> None:
    blocks = card(card_of(id=7, organization=Organization(id=55)), detail="compact")
    assert blocks[1]["fields"][0]["text"] == (
        "*Organization*\n<https://acme.pipedrive.com/organization/55|Organization 55>"
    )
    named = card(card_of(id=7, organization=Organization(id=5, name=" ")), detail="compact")
    assert "Organization 5" in named[1]["fields"][0]["text"]


options = st.fixed_dictionaries(
    {
        "detail": st.sampled_from(["full", "compact"]),
        "actions": st.booleans(),
        "shared_by": st.none() | st.sampled_from([*SLACK_USERS, *HOSTILE]) | st.text(),
        "fetched_at": st.none() | st.datetimes(timezones=st.just(UTC)),
    }
)


@settings(max_examples=200, deadline=None)
@given(persons, options)
def test_any_person_with_any_options_gives_a_valid_card(
    person: Person, chosen: dict[str, Any]
) -> None:
    blocks = card(person, **chosen)
    found = buttons(blocks)
    assert OPEN_ACTION_ID in found
    assert (SHARE_ACTION_ID in found) == (chosen["actions"] and chosen["shared_by"] is None)
    assert (REFRESH_ACTION_ID in found) == chosen["actions"]


@settings(max_examples=200, deadline=None)
@given(persons)
def test_no_compact_card_carries_an_email_or_phone(person: Person) -> None:
    detail: CardDetail = "compact"
    text = said(card(person, detail=detail))
    assert "mailto:" not in text and "tel:" not in text
    assert "*Email*" not in text and "*Phone*" not in text


def test_no_compact_card_carries_its_contacts_values() -> None:
    person = card_of(
        id=7,
        name="Jane",
        emails=(Contact(value="jane.private@example.org"),),
        phones=(Contact(value="+372 5550 9876"),),
        custom_fields={"a" * 40: "+372 5550 1111"},
    )
    text = said(card(person, detail="compact"))
    for value in ("jane.private@example.org", "5550 9876", "55509876", "5550 1111"):
        assert value not in text
