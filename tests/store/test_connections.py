"""ConnectionStore against real SQLite and PostgreSQL: every operation, keys, tokens at rest."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.store import (
    ConnectionStore,
    PipedriveConnection,
    TokenCipher,
    UndecryptableToken,
    new_key,
)

from .conftest import Database
from .examples import WallClock, a_connection


async def test_get_before_any_save_is_none(store: ConnectionStore) -> None:
    assert await store.get("T0001", "U0001") is None


async def test_save_then_get_gives_the_connection_back(store: ConnectionStore) -> None:
    connection = a_connection(enterprise_id="E0001")
    await store.save(connection)
    found = await store.get("T0001", "U0001")
    assert found == connection
    assert found is not None and found.expires_at.tzinfo is not None


async def test_expiry_in_another_zone_comes_back_as_the_same_instant_in_utc(
    store: ConnectionStore,
) -> None:
    tallinn_summer = timezone(timedelta(hours=3))
    expires_at = datetime(2025, 6, 1, 16, 30, 15, 123456, tzinfo=tallinn_summer)
    await store.save(dataclasses.replace(a_connection(), expires_at=expires_at))
    found = await store.get("T0001", "U0001")
    assert found is not None
    assert found.expires_at == expires_at
    assert found.expires_at.utcoffset() == timedelta(0)
    assert found.expires_at.hour == 13


async def test_save_again_replaces_everything_but_created_at(
    store: ConnectionStore, database: Database, clock: WallClock
) -> None:
    first = a_connection()
    await store.save(first)
    clock.advance(3600)
    refreshed = dataclasses.replace(
        first,
        access_token=SecretStr("v1u:a-new-access-token"),
        refresh_token=SecretStr("5555:123:a-new-refresh-token"),
        expires_at=first.expires_at + timedelta(hours=1),
        api_domain="https://acme-eu.pipedrive.com",
        user_name="Jane Renamed",
        scope="base,contacts:full",
    )
    await store.save(refreshed)

    assert await store.get("T0001", "U0001") == refreshed
    async with database.engine.connect() as sql:
        rows = (
            await sql.execute(text("SELECT created_at, updated_at FROM pipedrive_connections"))
        ).all()
    assert len(rows) == 1
    created_at, updated_at = (_as_utc(value) for value in rows[0])
    assert created_at == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert updated_at == datetime(2025, 6, 1, 13, 0, tzinfo=UTC)


def _as_utc(value: datetime | str) -> datetime:
    # Raw SQL on SQLite gives the stored text; PostgreSQL gives an aware datetime.
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


async def test_connections_are_per_team_and_user(store: ConnectionStore) -> None:
    mine = a_connection("T0001", "U0001", pipedrive_user_id=1)
    same_user_id_other_team = a_connection("T0002", "U0001", pipedrive_user_id=2)
    colleague = a_connection("T0001", "U0002", pipedrive_user_id=3)
    for connection in (mine, same_user_id_other_team, colleague):
        await store.save(connection)
    assert await store.get("T0001", "U0001") == mine
    assert await store.get("T0002", "U0001") == same_user_id_other_team
    assert await store.get("T0001", "U0002") == colleague
    assert await store.get("T0002", "U0002") is None


async def test_delete_forgets_only_that_user(store: ConnectionStore) -> None:
    await store.save(a_connection("T0001", "U0001"))
    colleague = a_connection("T0001", "U0002")
    await store.save(colleague)

    assert await store.delete("T0001", "U0001") is True
    assert await store.get("T0001", "U0001") is None
    assert await store.delete("T0001", "U0001") is False
    assert await store.get("T0001", "U0002") == colleague


async def test_pipedrive_uninstall_removes_every_slack_user_of_that_pipedrive_user(
    store: ConnectionStore,
) -> None:
    await store.save(a_connection("T0001", "U0001", company_id=5555, pipedrive_user_id=123))
    await store.save(a_connection("T0002", "U0009", company_id=5555, pipedrive_user_id=123))
    other_user = a_connection("T0001", "U0002", company_id=5555, pipedrive_user_id=124)
    same_id_other_company = a_connection("T0003", "U0003", company_id=6666, pipedrive_user_id=123)
    await store.save(other_user)
    await store.save(same_id_other_company)

    assert await store.delete_pipedrive_user(5555, 123) == 2
    assert await store.get("T0001", "U0001") is None
    assert await store.get("T0002", "U0009") is None
    assert await store.get("T0001", "U0002") == other_user
    assert await store.get("T0003", "U0003") == same_id_other_company
    assert await store.delete_pipedrive_user(5555, 123) == 0


async def test_slack_uninstall_removes_the_teams_connections_and_binding(
    store: ConnectionStore,
) -> None:
    await store.save(a_connection("T0001", "U0001"))
    await store.save(a_connection("T0001", "U0002"))
    elsewhere = a_connection("T0002", "U0001")
    await store.save(elsewhere)
    await store.bind_company("T0001", "acme", 5555)
    await store.bind_company("T0002", "acme", 5555)

    assert await store.delete_team("T0001") == 2
    assert await store.get("T0001", "U0001") is None
    assert await store.get("T0001", "U0002") is None
    assert await store.bound_company("T0001") is None
    assert await store.get("T0002", "U0001") == elsewhere
    assert await store.bound_company("T0002") is not None
    assert await store.delete_team("T0001") == 0


async def test_org_wide_uninstall_removes_connections_across_the_enterprise(
    store: ConnectionStore,
) -> None:
    await store.save(a_connection("T0001", "U0001", enterprise_id="E0001"))
    await store.save(a_connection("T0002", "U0002", enterprise_id="E0001"))
    other_enterprise = a_connection("T0003", "U0003", enterprise_id="E0002")
    await store.save(other_enterprise)
    await store.bind_company("E0001", "acme", 5555)
    await store.bind_company("T0002", "acme", 5555)  # a workspace of the enterprise
    await store.bind_company("T0003", "globex", 7777)

    assert await store.delete_team("E0001") == 2
    assert await store.bound_company("E0001") is None
    assert await store.bound_company("T0002") is None
    assert await store.get("T0003", "U0003") == other_enterprise
    assert await store.bound_company("T0003") is not None


async def test_the_company_of_a_teams_earliest_connection(
    store: ConnectionStore, clock: WallClock
) -> None:
    assert await store.connected_company("T0001") is None
    await store.save(a_connection("T0001", "U0001"))
    clock.advance(60)
    await store.save(dataclasses.replace(a_connection("T0001", "U0002"), company_domain="other"))
    first = await store.get("T0001", "U0001")
    assert first is not None
    found = await store.connected_company("T0001")
    assert found == (first.company_domain, first.pipedrive_company_id)
    assert await store.connected_company("T0002") is None


async def test_first_binding_wins(store: ConnectionStore, clock: WallClock) -> None:
    assert await store.bound_company("T0001") is None
    bound = await store.bind_company("T0001", "acme", 5555)
    assert (bound.slack_team_id, bound.company_domain, bound.company_id) == ("T0001", "acme", 5555)
    assert bound.bound_at == datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    clock.advance(60)
    assert await store.bind_company("T0001", "globex", 7777) == bound
    assert await store.bind_company("T0001", "acme", 5555) == bound
    assert await store.bound_company("T0001") == bound


async def test_concurrent_bindings_agree_on_one_company(
    database: Database, cipher: TokenCipher
) -> None:
    # Separate engines: as if each request came through its own process.
    engines = [database.another_engine() for _ in range(8)]
    try:
        stores = [ConnectionStore(engine, cipher) for engine in engines]
        results = await asyncio.gather(
            *(
                store.bind_company("T0001", f"company{n}", n)
                for n, store in enumerate(stores, start=1)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(set(results)) == 1
    assert results[0].company_id in range(1, 9)


async def test_concurrent_saves_of_one_user_leave_one_row(
    database: Database, cipher: TokenCipher
) -> None:
    engines = [database.another_engine() for _ in range(6)]
    saved = [a_connection(marker=f"writer{n}") for n in range(6)]
    try:
        await asyncio.gather(
            *(
                ConnectionStore(engine, cipher).save(connection)
                for engine, connection in zip(engines, saved, strict=True)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    async with database.engine.connect() as sql:
        count = (await sql.execute(text("SELECT count(*) FROM pipedrive_connections"))).scalar()
    assert count == 1
    assert await ConnectionStore(database.engine, cipher).get("T0001", "U0001") in saved


async def test_after_a_slack_uninstall_the_workspace_can_bind_another_company(
    store: ConnectionStore,
) -> None:
    await store.bind_company("T0001", "acme", 5555)
    await store.delete_team("T0001")
    rebound = await store.bind_company("T0001", "globex", 7777)
    assert (rebound.company_domain, rebound.company_id) == ("globex", 7777)


async def test_rotated_keys_read_old_rows_and_write_with_the_new_key(
    database: Database, key: str
) -> None:
    old_store = ConnectionStore(database.engine, TokenCipher.from_keys(key))
    written_before = a_connection("T0001", "U0001")
    await old_store.save(written_before)

    new = new_key()
    rotated = ConnectionStore(database.engine, TokenCipher.from_keys(f"{new},{key}"))
    assert await rotated.get("T0001", "U0001") == written_before
    written_after = a_connection("T0001", "U0002")
    await rotated.save(written_after)

    assert await ConnectionStore(database.engine, TokenCipher.from_keys(new)).get(
        "T0001", "U0002"
    ) == (written_after)
    with pytest.raises(UndecryptableToken):
        await old_store.get("T0001", "U0002")


async def test_a_wrong_key_refuses_to_read_a_connection(
    store: ConnectionStore, database: Database
) -> None:
    await store.save(a_connection())
    stranger = ConnectionStore(database.engine, TokenCipher.from_keys(new_key()))
    with pytest.raises(UndecryptableToken, match="TOKEN_ENCRYPTION_KEY"):
        await stranger.get("T0001", "U0001")


async def test_tokens_never_reach_the_database_in_clear(
    store: ConnectionStore, database: Database, cipher: TokenCipher
) -> None:
    connection = a_connection()
    await store.save(connection)
    await store.save(dataclasses.replace(connection, scope="base"))  # an update too
    tokens = (connection.access_token, connection.refresh_token)

    async with database.engine.connect() as sql:
        raw = (
            await sql.execute(text("SELECT access_token, refresh_token FROM pipedrive_connections"))
        ).one()
    for stored, token in zip(raw, tokens, strict=True):
        assert token.get_secret_value() not in stored
        assert cipher.decrypt(stored) == token

    if database.sqlite_path is not None:  # and not anywhere in SQLite's files
        await database.engine.dispose()  # the last connection closed: the WAL is checkpointed
        files = database.sqlite_path.parent.glob(database.sqlite_path.name + "*")
        content = b"".join(path.read_bytes() for path in files)
        assert b"Jane Example" in content  # the rest of the row is there to be found
        for token in tokens:
            secret = token.get_secret_value().encode()
            assert secret not in content
            assert secret.rsplit(b"-", 1)[-1] not in content  # not even the unique part


def test_a_connection_shows_no_token_in_its_repr() -> None:
    connection = a_connection(marker="visible-only-if-leaked")
    assert "visible-only-if-leaked" not in repr(connection)
    assert "visible-only-if-leaked" not in str(connection)


def test_a_connection_needs_an_aware_expiry() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(a_connection(), expires_at=datetime(2025, 6, 1, 13, 0))


def test_connections_are_immutable() -> None:
    connection: PipedriveConnection = a_connection()
    with pytest.raises(dataclasses.FrozenInstanceError):
        connection.user_name = "someone else"  # type: ignore[misc]
