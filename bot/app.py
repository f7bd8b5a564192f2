"""Build the Bolt app from settings: the Slack client, the people service, the listeners."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from .config import Settings
from .dependencies import Dependencies
from .inflight import InFlight
from .listeners import register_listeners
from .people import CacheSettings, PeopleService
from .pipedrive import PipedriveClient


@dataclass(frozen=True)
class PersonCardApp:
    """The Bolt app and what it owns; `aclose()` releases the pooled Pipedrive connections."""

    bolt: AsyncApp
    deps: Dependencies
    pipedrive: PipedriveClient

    async def aclose(self) -> None:
        await self.pipedrive.aclose()


def build_app(settings: Settings) -> PersonCardApp:
    pipedrive = PipedriveClient(
        origin=settings.pipedrive_origin,
        api_token=settings.pipedrive_api_token,
        api_version=settings.pipedrive_api_version,
    )
    deps = Dependencies(
        people=PeopleService(
            pipedrive,
            card_budget=settings.card_timeout,
            cache=CacheSettings.from_settings(settings),
        ),
        company_domain=settings.pipedrive_company_domain,
        in_flight=InFlight(),
    )
    slack = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_base_url,
    )
    bolt = AsyncApp(
        client=slack,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        logger=logging.getLogger("bot.bolt"),
    )
    register_listeners(bolt, deps)
    return PersonCardApp(bolt=bolt, deps=deps, pipedrive=pipedrive)
