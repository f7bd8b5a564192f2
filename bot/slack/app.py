"""Build the Bolt app from settings: the Slack client, the services, the listeners."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.lookup import Lookup
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.unfurl_policy import UnfurlPolicy
from bot.cards.writes import Writes
from bot.config import Settings
from bot.pipedrive import PipedriveClient
from bot.slack.channels import ChannelDirectory
from bot.slack.dependencies import Dependencies
from bot.slack.inflight import InFlight
from bot.slack.listeners import register_listeners
from bot.slack.unfurl_details import UnfurlDetails
from bot.store.resilient_state import state_from_url


@dataclass(frozen=True)
class PersonCardApp:
    """The Bolt app and what it owns; `aclose()` releases the pooled connections."""

    bolt: AsyncApp
    deps: Dependencies
    pipedrive: PipedriveClient

    async def aclose(self) -> None:
        await self.pipedrive.aclose()
        await self.deps.state.aclose()


def build_app(settings: Settings) -> PersonCardApp:
    pipedrive = PipedriveClient.from_settings(settings)
    slack = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_base_url,
    )
    # Slack answers `ratelimited` (429 with Retry-After) and, rarely, 5xx: try again, as
    # slack_sdk only does with these handlers installed.
    slack.retry_handlers.extend(
        [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncServerErrorRetryHandler()]
    )
    search = PeopleSearch(
        pipedrive,
        budget=settings.card_timeout,
        ttl=settings.person_cache_ttl,
        max_entries=settings.cache_max_entries,
    )
    deps = Dependencies(
        lookup=Lookup(PeopleService.from_settings(pipedrive, settings), search),
        company_domain=settings.pipedrive_company_domain,
        in_flight=InFlight(),
        unfurl_details=UnfurlDetails(
            UnfurlPolicy.from_settings(settings),
            ChannelDirectory(slack, max_entries=settings.cache_max_entries),
        ),
        state=state_from_url(
            settings.redis_url.get_secret_value() if settings.redis_url else None,
            verify_certificate=settings.redis_verify_certificate,
        ),
        # One API token writes for everyone, so a note names who added it from Slack.
        writes=Writes(pipedrive, attribute=True, activity_types_ttl=settings.directory_cache_ttl),
    )
    bolt = AsyncApp(
        client=slack,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        logger=logging.getLogger("bot.bolt"),
    )
    register_listeners(bolt, deps)
    return PersonCardApp(bolt=bolt, deps=deps, pipedrive=pipedrive)
