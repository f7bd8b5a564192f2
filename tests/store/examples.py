"""Sample connections and installations, a wall clock, and the use case over a store, for the
store tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

from bot.cards.connections import Connections
from bot.cards.oauth_states import OAuthStates
from bot.pipedrive.oauth import PipedriveOAuth
from bot.store import ConnectionStore, PipedriveConnection
from bot.store.shared_state import InProcessState


class WallClock:
    """UTC time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def a_connection(
    team_id: str = "T0001",
    user_id: str = "U0001",
    *,
    enterprise_id: str | None = None,
    pipedrive_user_id: int = 123,
    company_id: int = 5555,
    marker: str | None = None,
) -> PipedriveConnection:
    """A connection whose tokens are unique to it (`marker`), so a leak is easy to find."""
    marker = marker or uuid.uuid4().hex
    return PipedriveConnection(
        slack_team_id=team_id,
        slack_user_id=user_id,
        slack_enterprise_id=enterprise_id,
        pipedrive_user_id=pipedrive_user_id,
        pipedrive_company_id=company_id,
        company_domain="acme",
        api_domain="https://acme.pipedrive.com",
        user_name="Jane Example",
        access_token=SecretStr(f"v1u:access-{marker}"),
        refresh_token=SecretStr(f"{company_id}:{pipedrive_user_id}:refresh-{marker}"),
        expires_at=datetime(2025, 6, 1, 13, 0, tzinfo=UTC),
        scope="base,contacts:read,activities:read,users:read",
    )


def slack_sdk_metadata() -> MetaData:
    """The tables slack_sdk's SQLAlchemy stores use, from slack_sdk's own definitions."""
    metadata = MetaData()
    installations = SQLAlchemyInstallationStore
    installations.build_installations_table(
        metadata, installations.default_installations_table_name
    )
    installations.build_bots_table(metadata, installations.default_bots_table_name)
    states = SQLAlchemyOAuthStateStore
    states.build_oauth_states_table(metadata, states.default_table_name)
    return metadata


CLIENT_ID = "111.222"


def an_installation(team_id: str = "T0001", user_id: str = "U0001") -> Installation:
    return Installation(
        app_id="A0001",
        enterprise_id=None,
        team_id=team_id,
        team_name="Acme",
        bot_token="xoxb-111-222-abcdef",
        bot_id="B0001",
        bot_user_id="U0BOT",
        bot_scopes="commands,links:read,links:write",
        user_id=user_id,
        user_token=None,
        is_enterprise_install=False,
        installed_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC).timestamp(),
    )


def connections(store: ConnectionStore, company_domain: str | None) -> Connections:
    shared = InProcessState()
    oauth = PipedriveOAuth(  # never called here: binding reads only the store
        oauth_url="https://oauth.pipedrive.com",
        client_id="client-id",
        client_secret=SecretStr("client-secret"),
        redirect_uri="https://cards.example.com/pipedrive/oauth/callback",
    )
    return Connections(
        oauth=oauth,
        store=store,
        states=OAuthStates(b"key", shared),
        shared=shared,
        company_domain=company_domain,
    )
