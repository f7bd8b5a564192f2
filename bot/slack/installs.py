"""Installing the app in many Slack workspaces ("Add to Slack"), and forgetting a workspace.

With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` set, Bolt runs Slack's OAuth flow:
`GET /slack/install` shows the "Add to Slack" page, Slack sends the installer back to
`GET /slack/oauth_redirect`, and each workspace's bot token is kept by slack_sdk's SQLAlchemy
installation store in the app's database (`DATABASE_URL`), beside the Pipedrive connections,
encrypted (`bot.store.slack_installations`).
Bolt then finds the token of the workspace each request comes from and hands listeners a
client with it (`context.client`). Org-wide (Enterprise Grid) installs are kept under the
enterprise id; Bolt and slack_sdk look them up that way.

Token rotation stays off: rotated bot tokens expire every 12 hours and must be refreshed per
workspace, by exactly one process at a time, and a long-lived bot token is all this app needs.
"""

from __future__ import annotations

import logging

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cards.connections import Connections
from bot.config import SLACK_BOT_SCOPES, SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH, Settings
from bot.store import TokenCipher
from bot.store.slack_installations import SealedInstallationStore

log = logging.getLogger(__name__)

# How long an installer has between the "Add to Slack" page and coming back (Bolt's default).
INSTALL_STATE_SECONDS = 600


def install_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    """Bolt's OAuth flow over the app's database; the tables are created by its migrations,
    and the bot tokens encrypted with `TOKEN_ENCRYPTION_KEY`, as the Pipedrive tokens are."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    assert settings.token_encryption_key is not None  # many workspaces need PIPEDRIVE_AUTH=oauth
    cipher = TokenCipher.from_keys(settings.token_encryption_key.get_secret_value())
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(SLACK_BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=SLACK_INSTALL_PATH,
        redirect_uri_path=SLACK_REDIRECT_PATH,
        authorization_url=str(settings.slack_authorize_url),
        installation_store=SealedInstallationStore(
            client_id=settings.slack_client_id, engine=engine, cipher=cipher
        ),
        state_store=AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=INSTALL_STATE_SECONDS,
            engine=engine,
            logger=logging.getLogger("bot.slack.install_states"),
        ),
        state_expiration_seconds=INSTALL_STATE_SECONDS,
        logger=logging.getLogger("bot.slack.install"),
    )
    # Bolt confirms a workspace's token with auth.test: once per token and process, not on
    # every request (an uninstalled workspace is still refused: its install is looked up first).
    oauth.authorize = AsyncInstallationStoreAuthorize(
        logger=logging.getLogger("bot.slack.authorize"),
        installation_store=oauth.installation_store,
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        cache_enabled=True,
    )
    return oauth


async def forget_workspace(
    installations: AsyncInstallationStore | None,
    connections: Connections | None,
    *,
    enterprise_id: str | None,
    team_id: str | None,
    is_enterprise_install: bool,
) -> int:
    """`app_uninstalled`: the workspace's (or, org-wide, the enterprise's) bot token and
    installation, and its members' Pipedrive connections and company binding. Returns how
    many Pipedrive connections were removed. `installations` is None with one workspace."""
    if installations is not None:
        await installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
    key = enterprise_id if is_enterprise_install else team_id
    if connections is None or not key:
        return 0
    return await connections.workspace_removed(key)


async def forget_revoked_tokens(
    installations: AsyncInstallationStore,
    *,
    enterprise_id: str | None,
    team_id: str | None,
    user_ids: list[str],
    bot_revoked: bool,
) -> None:
    """`tokens_revoked`: a revoked bot token takes the workspace's installation with it (the
    installation rows hold the same token, and Bolt would keep trying it); revoked user tokens
    take their installers' rows."""
    if bot_revoked:
        await installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        return
    for user_id in user_ids:
        await installations.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )
