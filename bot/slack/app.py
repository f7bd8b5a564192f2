"""Build the Bolt app from settings: the Slack client, the services, the listeners.

With PIPEDRIVE_AUTH=api_token one reader (the shared token) serves everyone; with oauth, each
Slack user reads with their own connection, kept in the database (`bot.store`, migrated here).
With SLACK_CLIENT_ID the app is installable in many workspaces (`installs.py`): Bolt then gives
each request a client with its workspace's bot token, and the app's own client has none.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from blocks import HomeSettings
from bot.cards.connections import Connections
from bot.cards.lookup import Lookup
from bot.cards.oauth_states import OAuthStates
from bot.cards.readers import Reader, Readers, SharedReader, UserReaders
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.unfurl_policy import UnfurlPolicy
from bot.cards.writes import Writes
from bot.config import Settings
from bot.pipedrive import PipedriveClient
from bot.pipedrive.oauth import PipedriveOAuth
from bot.pipedrive.pacing import RequestPacer
from bot.pipedrive.user_auth import UserAccess, UserAuth
from bot.slack.access import Access
from bot.slack.channels import ChannelDirectory
from bot.slack.dependencies import Dependencies
from bot.slack.inflight import InFlight
from bot.slack.installs import install_settings
from bot.slack.listeners import register_listeners
from bot.slack.unfurl_details import UnfurlDetails
from bot.store import ConnectionStore, TokenCipher, create_engine, database_url, migrate
from bot.store.connections import PipedriveConnection
from bot.store.resilient_state import state_from_url
from bot.store.shared_slots import SharedSlots
from bot.store.shared_state import SharedState

log = logging.getLogger(__name__)

USER_POOL = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=60)


@dataclass(frozen=True)
class PersonCardApp:
    """The Bolt app and what it owns; `aclose()` releases the pooled connections."""

    bolt: AsyncApp
    deps: Dependencies
    pipedrive: PipedriveClient | None = None
    oauth: PipedriveOAuth | None = None
    engine: AsyncEngine | None = None
    transport: httpx.AsyncBaseTransport | None = None  # users' requests, in oauth mode
    # Answers started outside a Slack request (after a user connects), kept until done.
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def aclose(self) -> None:
        if self.pipedrive is not None:
            await self.pipedrive.aclose()
        if self.transport is not None:
            await self.transport.aclose()
        if self.oauth is not None:
            await self.oauth.aclose()
        if self.engine is not None:
            await self.engine.dispose()
        await self.deps.state.aclose()


async def build_app(settings: Settings) -> PersonCardApp:
    # One workspace: its bot token. Many: none here; Bolt sets each request's workspace's.
    token = None
    if not settings.many_workspaces and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    slack = AsyncWebClient(token=token, base_url=settings.slack_api_base_url)
    # Slack answers `ratelimited` (429 with Retry-After) and, rarely, 5xx: try again, as
    # slack_sdk only does with these handlers installed.
    slack.retry_handlers.extend(
        [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncServerErrorRetryHandler()]
    )
    shared = state_from_url(
        settings.redis_url.get_secret_value() if settings.redis_url else None,
        verify_certificate=settings.redis_verify_certificate,
    )
    pipedrive: PipedriveClient | None = None  # the one shared-token client (api_token mode)
    connections: Connections | None = None
    oauth: PipedriveOAuth | None = None
    engine: AsyncEngine | None = None
    transport: httpx.AsyncBaseTransport | None = None
    readers: Readers
    if settings.pipedrive_auth == "oauth":
        engine = await _database(settings)
        oauth, connections = _connections(settings, shared, engine)
        # Users' clients share one pool of connections, closed with the app (never one by one).
        transport = httpx.AsyncHTTPTransport(limits=USER_POOL)
        readers = UserReaders(
            connections, lambda c: _user_reader(settings, c, connections, transport, shared)
        )
    else:
        pipedrive = PipedriveClient.from_settings(settings, pacer=_pacer(settings, shared))
        readers = SharedReader(
            _reader(settings, pipedrive, attribute=True, shared=shared, share_directory=True)
        )
    installing = None
    if settings.many_workspaces:
        assert engine is not None  # many workspaces need PIPEDRIVE_AUTH=oauth, hence a database
        installing = install_settings(settings, engine)
    deps = Dependencies(
        lookup=Lookup(readers),
        company_domain=settings.pipedrive_company_domain,
        in_flight=InFlight(),
        # Slack is asked with each request's own client (its workspace's token).
        unfurl_details=UnfurlDetails(
            UnfurlPolicy.from_settings(settings),
            ChannelDirectory(max_entries=settings.cache_max_entries),
            share_external=settings.share_external,
        ),
        state=shared,
        access=Access(
            refuse_guests=settings.pipedrive_auth == "api_token" and not settings.allow_guests,
            usergroup=settings.allowed_usergroup,
        ),
        unfurl_style=settings.unfurl_style,
        connections=connections,
        installations=installing.installation_store if installing else None,
        readers=readers,
        home=HomeSettings(
            company_domain=settings.pipedrive_company_domain,
            per_user=settings.pipedrive_auth == "oauth",
            unfurl_detail=settings.unfurl_detail,
            unfurl_external=settings.unfurl_external,
            unfurl_channels=settings.unfurl_channel_allow_list,
            share_external=settings.share_external,
            allowed_usergroup=settings.allowed_usergroup,
            allow_guests=settings.allow_guests,
        ),
    )
    bolt = AsyncApp(
        client=slack,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        logger=logging.getLogger("bot.bolt"),
        oauth_settings=installing,
    )
    register_listeners(bolt, deps)
    return PersonCardApp(
        bolt=bolt, deps=deps, pipedrive=pipedrive, oauth=oauth, engine=engine, transport=transport
    )


def _pacer(settings: Settings, shared: SharedState) -> RequestPacer | None:
    """With Redis, a pacer whose slots every process shares; else the in-process one."""
    if settings.redis_url is None:
        return None
    return RequestPacer(settings.pipedrive_burst_limit, store=SharedSlots(shared))


def _reader(
    settings: Settings,
    client: PipedriveClient,
    *,
    attribute: bool,
    shared: SharedState,
    share_directory: bool,
    company: str | None = None,
) -> Reader:
    """The services over one credential. `attribute`: notes name who added them from Slack
    (one API token writes for everyone). `share_directory`: users and organizations read are
    the same for every viewer, so processes may share them (with Redis). `company`: whose
    company-wide records these are (default: PIPEDRIVE_COMPANY_DOMAIN)."""
    search = PeopleSearch(
        client,
        budget=settings.card_timeout,
        ttl=settings.person_cache_ttl,
        max_entries=settings.cache_max_entries,
    )
    writes = Writes(client, attribute=attribute, activity_types_ttl=settings.directory_cache_ttl)
    people = PeopleService.from_settings(
        client,
        settings,
        shared=shared if settings.redis_url is not None else None,
        share_directory=share_directory,
        company=company,
    )
    return Reader(people, search, writes)


async def _database(settings: Settings) -> AsyncEngine:
    """The app's database, migrated: connections, bindings and Slack installations."""
    url = database_url(settings.database_url.get_secret_value() if settings.database_url else None)
    await migrate(url)
    return create_engine(url)


def _connections(
    settings: Settings, shared: SharedState, engine: AsyncEngine
) -> tuple[PipedriveOAuth, Connections]:
    assert settings.token_encryption_key is not None  # Settings refuse oauth mode without them
    assert settings.pipedrive_client_id is not None and settings.pipedrive_client_secret is not None
    key = settings.token_encryption_key
    oauth = PipedriveOAuth(
        oauth_url=str(settings.pipedrive_oauth_url).rstrip("/"),
        client_id=settings.pipedrive_client_id,
        client_secret=settings.pipedrive_client_secret,
        redirect_uri=settings.oauth_redirect_uri,
    )
    connections = Connections(
        oauth=oauth,
        store=ConnectionStore(engine, TokenCipher.from_keys(key.get_secret_value())),
        states=OAuthStates(key.get_secret_value().encode(), shared),
        shared=shared,
        # Many workspaces: no one company; each workspace is bound to its own.
        company_domain=None if settings.many_workspaces else settings.pipedrive_company_domain,
    )
    return oauth, connections


def _user_reader(
    settings: Settings,
    connection: PipedriveConnection,
    connections: Connections,
    transport: httpx.AsyncBaseTransport,
    shared: SharedState,
) -> Reader:
    """A reader with the user's own token: their requests, their caches, their burst window."""
    current = connection

    async def access(force: bool) -> UserAccess:
        nonlocal current
        current = await connections.usable(current, force=force)
        return UserAccess(origin=current.api_domain, token=current.access_token)

    client = PipedriveClient(
        origin=connection.api_domain,
        auth=UserAuth(access),
        # The user's own burst window, as Pipedrive counts it per token.
        credential=f"oauth:{connection.slack_team_id}:{connection.slack_user_id}",
        api_version=settings.pipedrive_api_version,
        burst_limit=settings.pipedrive_burst_limit,
        pacer=_pacer(settings, shared),
        transport=transport,
    )
    # Each user's own reads stay theirs; only company-wide definitions are shared.
    return _reader(
        settings,
        client,
        attribute=False,
        shared=shared,
        share_directory=False,
        company=connection.company_domain,
    )
