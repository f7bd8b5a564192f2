"""A Slack message as a note's draft: its markup read as a person would, its addresses, its
author and time, strictly from the shortcut's payload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.saved_message import SavedMessage, plain_text, saved_message
from devkit.slack_payloads import message_shortcut


@pytest.mark.parametrize(
    ("markup", "read"),
    [
        ("<@U123ABC>", "@U123ABC"),
        ("<@U123ABC|jane>", "@jane"),
        ("<#C123|general>", "#general"),
        ("<!here>", "@here"),
        ("<!channel>", "@channel"),
        ("<!subteam^S123|@sales>", "@sales"),
        ("<!date^1768487400^{date}|Jan 15>", "Jan 15"),
        (
            "<https://example.com/a?b=1&amp;c=2|the deck>",
            "the deck (https://example.com/a?b=1&c=2)",
        ),
        ("<https://example.com>", "https://example.com"),
        ("<mailto:jane@acme.com|jane@acme.com>", "jane@acme.com"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("plain", "plain"),
    ],
)
def test_slack_markup_reads_as_a_person_reads_it(markup: str, read: str) -> None:
    assert plain_text(markup) == read


@given(st.text())
def test_any_text_is_taken_without_error(markup: str) -> None:
    assert isinstance(plain_text(markup), str)


def message(text: str) -> SavedMessage:
    return SavedMessage(channel="C1", ts="1.1", text=text, author_id=None, author_name=None)


def test_addresses_are_distinct_whatever_their_case() -> None:
    found = message("Jane@Acme.com, jane@acme.com and bob@globex.example.org").email_addresses()
    assert found == ["Jane@Acme.com", "bob@globex.example.org"]
    assert message("no one @ all").email_addresses() == []


def payload(**message: Any) -> dict[str, Any]:
    return message_shortcut(user_id="W1", channel="C0CHANNEL1", message=message)


def test_a_shortcut_payload_gives_its_message() -> None:
    found = saved_message(payload(user="W0AUTHOR1", ts="1768487400.000200", text="hi &amp; bye"))
    assert found == SavedMessage(
        channel="C0CHANNEL1",
        ts="1768487400.000200",
        text="hi & bye",
        author_id="W0AUTHOR1",
        author_name=None,
    )
    assert found.posted_at == datetime(2026, 1, 15, 14, 30, 0, 200, tzinfo=UTC)


@pytest.mark.parametrize(
    "broken",
    [
        {"message": None},
        {"channel": {"id": "<!channel>"}},
        {"channel": None},
        {"message": {"ts": "not-a-ts", "text": "x"}},
        {"message": {"ts": ["1.1"], "text": "x"}},
    ],
)
def test_a_payload_naming_no_message_gives_none(broken: dict[str, Any]) -> None:
    assert saved_message({**payload(ts="1.1", text="x"), **broken}) is None


def test_an_author_that_is_no_user_id_is_not_taken_as_one() -> None:
    found = saved_message(payload(user="<!here>", ts="1.1", text="x", username="Bot"))
    assert found is not None and found.author_id is None and found.author_name == "Bot"
