"""Each Slack user's own Pipedrive connection (PIPEDRIVE_AUTH=oauth): connect, keep, forget.

Connecting: a signed, single-use `state` (`oauth_states.py`) goes to Pipedrive's consent page;
the callback exchanges the code, asks Pipedrive who the token belongs to, refuses an account of
another company than this app's, and stores the connection, tokens encrypted (`bot.store`).
Installed in many Slack workspaces, the app reads no one company: each workspace is bound to the
company of its first member to connect, and later accounts of another company are refused.
Using: a token about to expire is refreshed once, under a lock shared by every process, so
concurrent requests of one user never refresh twice; a refused refresh forgets the connection,
so the user is asked to connect again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.cards.oauth_states import OAuthStates, PendingConnect
from bot.pipedrive.oauth import (
    OAuthError,
    OAuthRefused,
    OAuthUser,
    PipedriveOAuth,
    TokenSet,
    UninstallNotice,
)
from bot.store.connections import ConnectionStore, PipedriveConnection
from bot.store.shared_state import SharedState

log = logging.getLogger(__name__)

# Refresh a token this long before Pipedrive says it expires (clocks differ, requests take time).
REFRESH_MARGIN = timedelta(seconds=60)
REFRESH_LOCK_SECONDS = 30.0


@dataclass(frozen=True)
class Viewer:
    """The Slack user a card is read for."""

    team_id: str
    user_id: str
    enterprise_id: str | None = None


# The company id a binding made by `/person setup` records: the app has no Pipedrive token to
# ask the company's id with. Bindings are compared by domain.
UNKNOWN_COMPANY_ID = 0


class ConnectProblem(StrEnum):
    """Why a connection attempt stored nothing; the callback page words each."""

    DENIED = "denied"  # the user said no on Pipedrive's consent page
    NO_STATE = "no_state"  # started from Pipedrive's side (its Marketplace), not from Slack
    BAD_STATE = "bad_state"  # forged, expired or already used
    EXCHANGE_FAILED = "exchange_failed"  # Pipedrive refused the code
    FOREIGN_COMPANY = "foreign_company"  # the account belongs to another Pipedrive company
    UNAVAILABLE = "unavailable"  # Pipedrive could not be reached


@dataclass(frozen=True)
class Connected:
    connection: PipedriveConnection
    pending: PendingConnect


@dataclass(frozen=True)
class ConnectRefused:
    """A connection attempt that stored nothing; `pending` when the state was good (who asked,
    and the lookup that waits), `company_domain` the company it had to belong to."""

    problem: ConnectProblem
    pending: PendingConnect | None = None
    company_domain: str | None = None


class NotConnected(Exception):
    """The viewer has no (longer a) working connection: ask them to connect."""

    def __init__(self, viewer: Viewer) -> None:
        super().__init__(f"Slack user {viewer.user_id} has no Pipedrive connection")
        self.viewer = viewer


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Connections:
    def __init__(
        self,
        *,
        oauth: PipedriveOAuth,
        store: ConnectionStore,
        states: OAuthStates,
        shared: SharedState,
        company_domain: str | None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._oauth = oauth
        self._store = store
        self._states = states
        self._shared = shared
        # The one company this app reads; None: each workspace's own (many workspaces).
        self.company_domain = company_domain
        self._now = now

    async def company_of(self, team_id: str) -> str | None:
        """The company domain a workspace's links and answers belong to; None while a
        workspace of a many-workspace install has no member connected yet and no admin has
        set it up."""
        if self.company_domain is not None:
            return self.company_domain
        binding = await self._store.bound_company(team_id)
        if binding is None:
            # Members connected before the workspace was bound (the app had one workspace).
            connected = await self._store.connected_company(team_id)
            if connected is None:
                return None
            binding = await self._store.bind_company(team_id, *connected)
        return binding.company_domain

    async def set_up(self, team_id: str, company_domain: str) -> str:
        """An admin binds a workspace to a company before anyone connected (many workspaces):
        the company in effect, which is another one when the workspace was bound already (the
        first binding wins; its members' connections belong to it)."""
        bound = await self.company_of(team_id)
        if bound is not None:
            return bound
        binding = await self._store.bind_company(team_id, company_domain, UNKNOWN_COMPANY_ID)
        if binding.company_domain == company_domain:
            log.info("setup: workspace %s reads %s.pipedrive.com", team_id, company_domain)
        return binding.company_domain

    async def workspace_removed(self, team_id: str) -> int:
        """The Slack app was uninstalled from a workspace (or, org-wide, an enterprise):
        forget its members' connections and its company; how many connections went."""
        return await self._store.delete_team(team_id)

    async def connect_url(self, pending: PendingConnect) -> str:
        """Pipedrive's consent page, with a state that brings the user back to `pending`."""
        return self._oauth.authorize_url(await self._states.issue(pending))

    async def complete(
        self, *, code: str | None, state: str | None, error: str | None
    ) -> Connected | ConnectRefused:
        """The callback: check the state, exchange the code, check the company, store."""
        if not state:
            # Pipedrive sends installs started from its Marketplace without a state: there is
            # no Slack user to connect. Nothing is exchanged; the page says where to connect.
            return ConnectRefused(ConnectProblem.NO_STATE)
        pending = await self._states.redeem(state)
        if pending is None:
            return ConnectRefused(ConnectProblem.BAD_STATE)
        if error or not code:
            return ConnectRefused(ConnectProblem.DENIED, pending)
        try:
            tokens = await self._oauth.exchange_code(code)
            user = await self._oauth.current_user(tokens)
        except OAuthRefused as refused:
            log.warning("connect: Pipedrive refused the code (%s)", refused.error)
            return ConnectRefused(ConnectProblem.EXCHANGE_FAILED, pending)
        except OAuthError as failed:
            log.warning("connect: %s", failed)
            return ConnectRefused(ConnectProblem.UNAVAILABLE, pending)
        expected = await self._company_for(pending, user)
        if expected is None or (user.company_domain or "").lower() != expected:
            log.warning(
                "connect: refused Pipedrive user %s of company %s (workspace %s reads %s)",
                user.id,
                user.company_domain,
                pending.team_id,
                expected,
            )
            return ConnectRefused(ConnectProblem.FOREIGN_COMPANY, pending, expected)
        connection = _connection(pending, user, tokens)
        await self._store.save(connection)
        log.info("connect: Slack user %s connected as Pipedrive user %s", pending.user_id, user.id)
        return Connected(connection, pending)

    async def _company_for(self, pending: PendingConnect, user: OAuthUser) -> str | None:
        """The company a connection from `pending`'s workspace must belong to: the app's, or
        the workspace's, bound to this user's company if it is the first to connect. None for
        an account Pipedrive names no company of: nothing is bound to it."""
        if self.company_domain is not None:
            return self.company_domain
        domain = (user.company_domain or "").lower()
        if not domain or not user.company_id:
            return None
        binding = await self._store.bind_company(pending.team_id, domain, user.company_id)
        return binding.company_domain

    async def connection(self, viewer: Viewer) -> PipedriveConnection | None:
        return await self._store.get(viewer.team_id, viewer.user_id)

    async def disconnect(self, viewer: Viewer) -> bool:
        return await self._store.delete(viewer.team_id, viewer.user_id)

    async def uninstalled(self, notice: UninstallNotice) -> int:
        """Pipedrive's notice that a user removed the app: forget their connections."""
        return await self._store.delete_pipedrive_user(notice.company_id, notice.user_id)

    async def usable(
        self, connection: PipedriveConnection, *, force: bool = False
    ) -> PipedriveConnection:
        """The connection with a token that works for a while yet: refreshed when it is about
        to expire (or `force`: Pipedrive just refused it). Raises `NotConnected` when Pipedrive
        refuses the refresh (the connection is then forgotten) and `OAuthError` when it cannot
        be reached."""
        if not force and connection.expires_at - REFRESH_MARGIN > self._now():
            return connection
        viewer = Viewer(connection.slack_team_id, connection.slack_user_id)
        key = f"oauth-refresh:{connection.slack_team_id}:{connection.slack_user_id}"
        async with self._shared.lock(key, REFRESH_LOCK_SECONDS):
            # Another request (or process) may have refreshed it while this one waited.
            current = await self._store.get(viewer.team_id, viewer.user_id)
            if current is None:
                raise NotConnected(viewer)
            renewed = current.access_token != connection.access_token
            if renewed and current.expires_at - REFRESH_MARGIN > self._now():
                return current
            try:
                tokens = await self._oauth.refresh(current.refresh_token)
            except OAuthRefused as refused:
                log.warning(
                    "Slack user %s: Pipedrive refused the token refresh (%s); asking them to "
                    "connect again",
                    viewer.user_id,
                    refused.error,
                )
                await self._store.delete(viewer.team_id, viewer.user_id)
                raise NotConnected(viewer) from None
            refreshed = _with_tokens(current, tokens)
            await self._store.save(refreshed)
            return refreshed


def _connection(pending: PendingConnect, user: OAuthUser, tokens: TokenSet) -> PipedriveConnection:
    return PipedriveConnection(
        slack_team_id=pending.team_id,
        slack_user_id=pending.user_id,
        slack_enterprise_id=pending.enterprise_id,
        pipedrive_user_id=user.id,
        pipedrive_company_id=user.company_id or 0,
        company_domain=(user.company_domain or "").lower(),
        api_domain=tokens.api_domain,
        user_name=user.name or user.email or f"User {user.id}",
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        scope=tokens.scope,
    )


def _with_tokens(connection: PipedriveConnection, tokens: TokenSet) -> PipedriveConnection:
    return dataclasses.replace(
        connection,
        api_domain=tokens.api_domain,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        scope=tokens.scope,
    )
