"""slack_sdk's async SQLAlchemy installation store (with its tokens encrypted) and OAuth state
store work on the migrated schema."""

from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import text

from bot.store import TokenCipher, UndecryptableToken, new_key
from bot.store.slack_installations import TOKEN_COLUMNS, SealedInstallationStore

from .conftest import Database
from .examples import CLIENT_ID, an_installation


def sealed_store(database: Database, key: str | None = None) -> SealedInstallationStore:
    cipher = TokenCipher.from_keys(key or new_key())
    return SealedInstallationStore(client_id=CLIENT_ID, engine=database.engine, cipher=cipher)


async def test_an_installation_is_saved_and_found(database: Database) -> None:
    store = sealed_store(database)
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


async def test_the_tables_hold_no_token_in_clear(database: Database) -> None:
    store = sealed_store(database)
    installation = an_installation()
    installation.user_token = "xoxp-111-222-333-usertoken"
    installation.bot_refresh_token = "xoxe-1-botrefresh"
    long_token = "xoxb-" + "7" * 300  # longer than slack_sdk's 200-character columns allow
    installation.bot_token = long_token
    await store.async_save(installation)

    async with database.engine.connect() as sql:
        stored = [
            str(value)
            for table in ("slack_installations", "slack_bots")
            for row in await sql.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            for value in row
        ]
    for token in (long_token, "xoxp-111-222-333-usertoken", "xoxe-1-botrefresh"):
        assert not any(token in value for value in stored)
    found = await store.async_find_installation(enterprise_id=None, team_id="T0001")
    assert found is not None
    assert (found.bot_token, found.user_token, found.bot_refresh_token) == (
        long_token,
        "xoxp-111-222-333-usertoken",
        "xoxe-1-botrefresh",
    )


async def test_tokens_sealed_with_another_key_are_not_read(database: Database) -> None:
    await sealed_store(database).async_save(an_installation())

    with pytest.raises(UndecryptableToken):
        await sealed_store(database).async_find_bot(enterprise_id=None, team_id="T0001")


def test_every_token_slack_sdk_keeps_is_sealed() -> None:
    tokens = {name for name in vars(Installation(user_id="U1")) if name.endswith("token")}
    assert tokens == set(TOKEN_COLUMNS)
