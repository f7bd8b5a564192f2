"""The real app, built in-process from settings and dispatched signed requests as Slack sends
them (as bolt-python's own tests do), against the loopback Pipedrive and Slack stand-ins."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.config import Settings
from bot.slack.app import PersonCardApp, build_app
from devkit import PipedriveStandIn, SlackStandIn, slack_payloads
from devkit.signing import signed_headers

SECRET = "listener-signing-secret"
USER = "W0ASKER1"


class Dispatch:
    """Signed requests into the app; each call waits until the answers it started are done."""

    def __init__(self, app: PersonCardApp, slack: SlackStandIn) -> None:
        self.app = app
        self.slack = slack

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> BoltResponse:
        signed = {**signed_headers(SECRET, body, content_type), **(headers or {})}
        response = await self.app.bolt.async_dispatch(AsyncBoltRequest(body=body, headers=signed))
        assert await self.app.deps.in_flight.drain(10) == 0
        return response

    async def command(self, text: str, response_name: str) -> BoltResponse:
        body = urlencode(
            {
                "command": "/person",
                "text": text,
                "user_id": USER,
                "team_id": "T0TEAM01",
                "channel_id": "C0CHANNEL1",
                "response_url": self.slack.response_url(response_name),
                "trigger_id": "111.222.abc",
            }
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(self, action_id: str, value: Any, response_name: str) -> BoltResponse:
        payload = {
            "type": "block_actions",
            "user": {"id": USER, "team_id": "T0TEAM01"},
            "team": {"id": "T0TEAM01"},
            "container": {"type": "message", "is_ephemeral": True},
            "channel": {"id": "C0CHANNEL1"},
            "trigger_id": "111.222.abc",
            "response_url": self.slack.response_url(response_name),
            "actions": [
                {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> BoltResponse:
        """Any interaction payload (a shortcut, a submission, a suggestion), as Slack posts it."""
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def submit(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str = USER
    ) -> BoltResponse:
        """Submit `view` (as the Slack stand-in shows it) with these `view.state.values`."""
        return await self.interaction(slack_payloads.view_submission(view, values, user_id=user))

    async def suggest(
        self, view: dict[str, Any], value: str, *, action_id: str, block_id: str, user: str = USER
    ) -> BoltResponse:
        """Type `value` into the external select `action_id` of `view`."""
        payload = slack_payloads.block_suggestion(
            view, action_id=action_id, block_id=block_id, value=value, user_id=user
        )
        return await self.interaction(payload)

    async def shortcut(
        self, message: dict[str, Any], *, channel: str = "C0CHANNEL1", user: str = USER
    ) -> BoltResponse:
        """Run the "Save to Pipedrive" message shortcut on `message`."""
        payload = slack_payloads.message_shortcut(user_id=user, channel=channel, message=message)
        return await self.interaction(payload)

    async def event(
        self, event: dict[str, Any], *, event_id: str, retry_num: int | None = None
    ) -> BoltResponse:
        envelope = {
            "type": "event_callback",
            "team_id": "T0TEAM01",
            "api_app_id": "A0APP01",
            "event_id": event_id,
            "event_time": 1,
            "event": event,
        }
        retry = {} if retry_num is None else {"X-Slack-Retry-Num": str(retry_num)}
        return await self.post(json.dumps(envelope), "application/json", retry)


@pytest.fixture
async def pipedrive() -> AsyncIterator[PipedriveStandIn]:
    standin = PipedriveStandIn(token="listener-pipedrive-token")
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn(bot_token="xoxb-listener-bot-token")
    await standin.start()
    yield standin
    await standin.stop()


def settings_for(pipedrive: PipedriveStandIn, slack: SlackStandIn, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr(slack.bot_token),
        "slack_signing_secret": SecretStr(SECRET),
        "slack_api_url": slack.api_url,
        "pipedrive_api_token": SecretStr(pipedrive.token),
        "pipedrive_company_domain": "acme",
        "pipedrive_api_url": pipedrive.url,
        "person_cache_ttl": 0,
        **changes,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def dispatch(pipedrive: PipedriveStandIn, slack: SlackStandIn) -> AsyncIterator[Dispatch]:
    app = await build_app(settings_for(pipedrive, slack, unfurl_style="blocks"))
    yield Dispatch(app, slack)
    await app.aclose()


MakeDispatch = Callable[..., Any]


@pytest.fixture
async def dispatch_with(
    pipedrive: PipedriveStandIn, slack: SlackStandIn
) -> AsyncIterator[MakeDispatch]:
    apps = []

    async def make(**settings: Any) -> Dispatch:
        """An app with these settings (Block Kit unfurls unless told), closed afterwards."""
        app = await build_app(settings_for(pipedrive, slack, unfurl_style="blocks", **settings))
        apps.append(app)
        return Dispatch(app, slack)

    yield make
    for app in apps:
        await app.aclose()
