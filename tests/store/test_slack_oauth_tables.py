"""slack_sdk's async SQLAlchemy installation and OAuth state stores work on the migrated schema."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from .conftest import Database
from .examples import CLIENT_ID, an_installation


async def test_an_installation_is_saved_and_found(database: Database) -> None:
    store = AsyncSQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=database.engine)
    await store.async_save(an_installation())

    found = await store.async_find_installation(enterprise_id=None, team_id="T0001")
    assert found is not None
    assert (found.team_id, found.user_id, found.bot_token) == (
        "T0001",
        "U0001",
        "xoxb-111-222-abcdef",
    )
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0001")
    assert bot is not None and bot.bot_user_id == "U0BOT"
    assert await store.async_find_installation(enterprise_id=None, team_id="T0002") is None

    await store.async_delete_installation(enterprise_id=None, team_id="T0001")
    await store.async_delete_bot(enterprise_id=None, team_id="T0001")
    assert await store.async_find_installation(enterprise_id=None, team_id="T0001") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T0001") is None


async def test_an_oauth_state_is_issued_and_consumed_once(database: Database) -> None:
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=database.engine)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    assert await states.async_consume("never-issued") is False
