"""The checker every card test relies on must itself catch what Slack would refuse."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError

from tests.blockkit import assert_no_injection, assert_valid_blocks


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def fields(*texts: str) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": text} for text in texts]}


def test_accepts_a_valid_message() -> None:
    assert_valid_blocks([section("hi", block_id="a"), section("there", block_id="b")])


@pytest.mark.parametrize(
    "blocks",
    [
        pytest.param([], id="no blocks"),
        pytest.param([section("x")] * 51, id="51 blocks"),
        pytest.param([fields("x" * 2001)], id="field over 2000"),
        pytest.param([fields(*["x"] * 11)], id="11 fields"),
        pytest.param([section("x" * 3001)], id="section text over 3000"),
        pytest.param([section("")], id="empty text"),
        pytest.param([section(" ")], id="blank text"),
        pytest.param([section("x", bogus=1)], id="unknown key"),
        pytest.param([{"type": "nonsense"}], id="unknown block"),
        pytest.param(
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
            id="header over 150",
        ),
        pytest.param(
            [section("x", accessory={"type": "image", "image_url": "https://x.io/a.png"})],
            id="image without alt text",
        ),
        pytest.param(
            [section("a", block_id="same"), section("b", block_id="same")], id="duplicate ids"
        ),
    ],
)
def test_rejects_what_slack_would_refuse(blocks: list[dict[str, Any]]) -> None:
    with pytest.raises((AssertionError, SlackObjectFormationError)):
        assert_valid_blocks(blocks)


@pytest.mark.parametrize(
    "text",
    [
        "<!channel>",
        "<@U123>",
        "<https://evil.example|click>",
        "<mailto:a@b.c|x> <https://evil.example>",
        "a & b",
        "<https://acme.pipedrive.com/person/1>",  # own URL, but without a label
    ],
)
def test_no_injection_catches_data_tokens(text: str) -> None:
    with pytest.raises(AssertionError):
        assert_no_injection([section(text)])


def test_no_injection_allows_the_tokens_the_code_builds() -> None:
    assert_no_injection(
        [
            section(
                "<mailto:a%7Cb@x.io|a|b@x.io> <tel:+372|+372> "
                "<!date^1575027000^{date_short_pretty} at {time}|Fri 29 Nov 2019 11:30 UTC> "
                "<https://acme.pipedrive.com/organization/4|A &amp; B>"
            )
        ],
        ["<!channel>"],
    )


def test_no_injection_catches_a_token_in_plain_text_and_the_fallback_text() -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "<tel:1|1>"}}
    with pytest.raises(AssertionError):
        assert_no_injection([header])
    with pytest.raises(AssertionError):
        assert_no_injection([section("ok")], text="<!here>")
