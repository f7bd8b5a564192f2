"""Sending to Slack, checked: once more without pictures when Slack cannot download one."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from blocks import Message, person_card, person_card_text
from bot.domain import Person, PersonCard, Picture
from bot.slack.delivery import SlackRefused, answer_privately, delete_original, unfurl_with
from devkit import SlackStandIn

BROKEN = "unreachable-pics.example.com"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn()
    await standin.start()
    standin.refused_image_hosts.add(BROKEN)
    yield standin
    await standin.stop()


def card(host: str, person_id: int = 7) -> Message:
    person = PersonCard(
        person=Person(id=person_id, name="Jane"),
        picture=Picture(urls={128: f"https://{host}/jane.png"}),
    )
    blocks = person_card(person, company_domain="acme", actions=True)
    return Message(text=person_card_text(person), blocks=blocks)


async def test_a_card_slack_takes_is_sent_once(slack: SlackStandIn) -> None:
    respond = AsyncRespond(response_url=slack.response_url("fine"))
    assert await answer_privately(respond, card("pics.example.com"), reference="r") == "sent"
    (sent,) = slack.responses("fine")
    assert sent["response_type"] == "ephemeral" and sent["replace_original"] is False
    assert "image_url" in json.dumps(sent["blocks"])


async def test_a_refused_picture_is_left_out_the_second_time(
    slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    respond = AsyncRespond(response_url=slack.response_url("broken"))
    delivered = await answer_privately(respond, card(BROKEN), reference="ref-7", replace=True)
    assert delivered == "sent_without_pictures"
    first, second = slack.responses("broken")
    assert BROKEN in json.dumps(first["blocks"])
    assert "image_url" not in json.dumps(second["blocks"])
    assert second["text"] == first["text"] == "Jane"
    assert second["replace_original"] is True
    (line,) = [r.getMessage() for r in caplog.records if "without pictures" in r.getMessage()]
    assert "request_id=ref-7 response_url refused (invalid_blocks)" in line


async def test_a_refusal_that_is_no_picture_is_not_retried(
    slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    gone = AsyncRespond(response_url=f"{slack.url}/expired")  # the stand-in answers 404
    assert await answer_privately(gone, card(BROKEN), reference="r") == "refused"
    (line,) = [record.getMessage() for record in caplog.records]
    assert line.startswith("request_id=r response_url refused: 404")


async def test_delete_original_asks_slack_to_remove_the_message(slack: SlackStandIn) -> None:
    respond = AsyncRespond(response_url=slack.response_url("delete"))
    assert await delete_original(respond, reference="r") == "sent"
    assert slack.responses("delete") == [{"delete_original": True}]  # alone, as documented


async def test_an_unfurl_with_a_refused_picture_is_sent_again_without_any(
    slack: SlackStandIn,
) -> None:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    cards = {
        "https://acme.pipedrive.com/person/7": card(BROKEN).blocks,
        "https://acme.pipedrive.com/person/8": card("pics.example.com", 8).blocks,
    }
    target = {"channel": "C0123", "ts": "1.2"}
    assert await unfurl_with(client, cards, target, reference="r") == "sent_without_pictures"
    first, second = (call.body for call in slack.calls_to("chat.unfurl"))
    assert set(first["unfurls"]) == set(second["unfurls"]) == set(cards)
    assert "image_url" in json.dumps(first["unfurls"])
    assert "image_url" not in json.dumps(second["unfurls"])
    assert second["channel"] == "C0123" and second["ts"] == "1.2"


async def test_an_unfurl_without_pictures_is_not_sent_twice(slack: SlackStandIn) -> None:
    client = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url)  # invalid_auth
    cards = {"https://acme.pipedrive.com/person/7": card(BROKEN).blocks}
    assert await unfurl_with(client, cards, {"channel": "C0123", "ts": "1.2"}, reference="r") == (
        "refused"
    )
    assert len(slack.calls_to("chat.unfurl")) == 1


@pytest.mark.parametrize(
    ("refused", "picture"),
    [
        (SlackRefused("invalid_blocks"), True),  # response_url: a bare word, no detail
        (
            SlackRefused(
                "invalid_blocks", ["downloading image failed [json-pointer:/blocks/1/image_url]"]
            ),
            True,
        ),
        (SlackRefused("invalid_arguments"), True),
        (SlackRefused("invalid_blocks", ["must be less than 3001 characters"]), False),
        (SlackRefused("expired_url"), False),
        (SlackRefused("HTTP 500"), False),
    ],
)
def test_which_refusals_may_be_a_picture(refused: SlackRefused, picture: bool) -> None:
    assert refused.may_be_a_picture is picture
