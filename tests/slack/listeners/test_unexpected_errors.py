"""A bug anywhere still gets the user an answer, with a reference id found in the log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from blocks import HomeSettings
from bot.cards.lookup import Lookup
from bot.cards.readers import Reader, SharedReader
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.unfurl_policy import UnfurlPolicy
from bot.cards.writes import Writes
from bot.domain import PersonCard
from bot.pipedrive import PipedriveClient
from bot.slack.access import Access
from bot.slack.channels import ChannelDirectory
from bot.slack.dependencies import Dependencies
from bot.slack.inflight import InFlight
from bot.slack.listeners import register_listeners
from bot.slack.unfurl_details import UnfurlDetails
from bot.store.shared_state import InProcessState
from devkit import SlackStandIn
from devkit.signing import signed_headers

SECRET = "unit-signing-secret"


class BrokenPeople(PeopleService):
    """A people service with a bug in it."""

    async def person_card(self, person_id: int, *, fresh: bool = False) -> PersonCard:
        raise RuntimeError("a bug")


@pytest.fixture
async def app(slack: SlackStandIn) -> AsyncIterator[tuple[AsyncApp, InFlight]]:
    client = PipedriveClient(origin="http://127.0.0.1:9", api_token=SecretStr("unused"))
    in_flight = InFlight()
    web = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    bolt = AsyncApp(client=web, signing_secret=SECRET)
    readers = SharedReader(
        Reader(BrokenPeople(client), PeopleSearch(client), Writes(client, attribute=True))
    )
    deps = Dependencies(
        lookup=Lookup(readers),
        company_domain="acme",
        in_flight=in_flight,
        unfurl_details=UnfurlDetails(UnfurlPolicy(), ChannelDirectory()),
        state=InProcessState(),
        access=Access(refuse_guests=False, usergroup=None),
        readers=readers,
        home=HomeSettings(
            company_domain="acme",
            per_user=False,
            unfurl_detail="compact",
            unfurl_external="compact",
            unfurl_channels=None,
            share_external="compact",
            allowed_usergroup=None,
            allow_guests=False,
        ),
    )
    register_listeners(bolt, deps)
    yield bolt, in_flight
    await client.aclose()


def signed(body: str, content_type: str) -> dict[str, str]:
    return signed_headers(SECRET, body, content_type)


async def test_a_bug_answers_with_an_apology_and_a_reference(
    app: tuple[AsyncApp, InFlight], slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    bolt, in_flight = app
    body = urlencode(
        {
            "command": "/person",
            "text": "1",
            "user_id": "W1",
            "team_id": "T1",
            "channel_id": "C1",
            "response_url": slack.response_url("bug"),
        }
    )
    caplog.set_level(logging.INFO)
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed(body, "application/x-www-form-urlencoded"))
    )
    assert response.status == 200
    assert await in_flight.drain(10) == 0
    (answer,) = slack.responses("bug")
    said = json.dumps(answer["blocks"])
    reference = re.search(r"`([0-9a-f]{10})`", said)
    assert reference is not None, said
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert reference.group(1) in failure.getMessage()
    assert failure.exc_info is not None and "a bug" in str(failure.exc_info[1])


async def test_a_bug_in_one_unfurl_does_not_crash_the_app(
    app: tuple[AsyncApp, InFlight], slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    bolt, in_flight = app
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "event_id": "Ev1",
            "event": {
                "type": "link_shared",
                "channel": "C1",
                "message_ts": "1.2",
                "links": [
                    {"domain": "pipedrive.com", "url": "https://acme.pipedrive.com/person/1"}
                ],
            },
        }
    )
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed(body, "application/json"))
    )
    assert response.status == 200
    assert await in_flight.drain(10) == 0
    assert slack.calls_to("chat.unfurl") == []
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert failure.exc_info is not None and "a bug" in str(failure.exc_info[1])


@pytest.mark.parametrize("action_id", ["show_person", "share_person", "refresh_person"])
async def test_a_bug_behind_a_button_answers_beside_its_message(
    app: tuple[AsyncApp, InFlight], slack: SlackStandIn, action_id: str
) -> None:
    bolt, in_flight = app
    payload = {
        "type": "block_actions",
        "user": {"id": "W1"},
        "team": {"id": "T1"},
        "container": {"type": "message", "is_ephemeral": True},
        "response_url": slack.response_url("button-bug"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": "1"}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    response = await bolt.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed(body, "application/x-www-form-urlencoded"))
    )
    assert response.status == 200
    assert await in_flight.drain(10) == 0
    (answer,) = slack.responses("button-bug")
    assert answer["replace_original"] is False
    assert re.search(r"`([0-9a-f]{10})`", json.dumps(answer["blocks"]))
