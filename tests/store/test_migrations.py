"""Migrations: empty to head, idempotent, down and up again; their tables match the code."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, String, inspect, text
from sqlalchemy.engine import Connection

from bot.store import ConnectionStore, TokenCipher, create_engine, migrate, new_key, upgrade
from bot.store.migrate import alembic_config, current_revision, head_revision
from bot.store.slack_installations import SEALED_TOKEN_LENGTH, TOKEN_COLUMNS
from bot.store.tables import Base

from .conftest import Database
from .examples import a_connection, slack_sdk_metadata

OWN_TABLES = {"pipedrive_connections", "workspace_companies"}
SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


async def table_names(database: Database) -> set[str]:
    async with database.engine.connect() as sql:
        return set(await sql.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_empty_to_head(empty_database: Database) -> None:
    assert await current_revision(empty_database.engine) is None
    assert await table_names(empty_database) == set()

    await upgrade(empty_database.engine)

    assert await current_revision(empty_database.engine) == head_revision() == "0003"
    assert await table_names(empty_database) == OWN_TABLES | SLACK_TABLES | {"alembic_version"}


async def test_upgrading_again_changes_nothing_and_keeps_the_data(empty_database: Database) -> None:
    await upgrade(empty_database.engine)
    store = ConnectionStore(empty_database.engine, TokenCipher.from_keys(new_key()))
    saved = a_connection()
    await store.save(saved)

    await upgrade(empty_database.engine)
    await upgrade(empty_database.engine)

    assert await current_revision(empty_database.engine) == head_revision()
    assert await store.get("T0001", "U0001") == saved
    async with empty_database.engine.connect() as sql:
        versions = (await sql.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert versions == [(head_revision(),)]


async def test_downgrade_to_empty_and_up_again(empty_database: Database) -> None:
    await upgrade(empty_database.engine)
    async with empty_database.engine.begin() as sql:
        await sql.run_sync(_run_command, command.downgrade, "base")
    assert await table_names(empty_database) == {"alembic_version"}
    assert await current_revision(empty_database.engine) is None

    await upgrade(empty_database.engine)
    assert await table_names(empty_database) == OWN_TABLES | SLACK_TABLES | {"alembic_version"}


def _run_command(connection: Connection, run: Any, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    run(config, revision)


async def test_migrated_tables_match_the_code(database: Database) -> None:
    """What Alembic's autogenerate would find to change: nothing, for our tables and Slack's."""
    expected = MetaData()
    for table in [*Base.metadata.tables.values(), *slack_sdk_metadata().tables.values()]:
        table.to_metadata(expected)
    for name in ("slack_installations", "slack_bots"):  # wider, for encrypted tokens
        for column in TOKEN_COLUMNS:
            if column in expected.tables[name].c:
                expected.tables[name].c[column].type = String(SEALED_TOKEN_LENGTH)

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, expected))

    async with database.engine.connect() as sql:
        assert await sql.run_sync(differences) == []


# A process that upgrades the database in a schema: argv[1] the URL, argv[2] the schema.
UPGRADE_IN_A_PROCESS = """
import asyncio, sys
from bot.store import create_engine, upgrade

async def main():
    settings = {"server_settings": {"search_path": sys.argv[2]}}
    engine = create_engine(sys.argv[1], connect_args=settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()

asyncio.run(main())
"""


# SQLite serves one process; PostgreSQL may serve several, starting at the same moment.
@pytest.mark.parametrize("empty_database", ["postgresql"], indirect=True)
async def test_processes_starting_at_once_take_turns(empty_database: Database) -> None:
    assert empty_database.schema is not None
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            UPGRADE_IN_A_PROCESS,
            empty_database.url,
            empty_database.schema,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(3)
    ]
    # A deadline, not a timing: a deadlock fails the test instead of hanging the run.
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(process.communicate() for process in processes)), timeout=120
    )
    errors = [stderr.decode() for _, stderr in outcomes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    assert await current_revision(empty_database.engine) == head_revision()


async def test_migrate_a_url_then_use_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'app.db'}"
    await migrate(url)
    await migrate(url)  # idempotent by URL too
    assert (tmp_path / "nested" / "app.db").is_file()

    engine = create_engine(url)
    try:
        assert await current_revision(engine) == head_revision()
        store = ConnectionStore(engine, TokenCipher.from_keys(new_key()))
        saved = a_connection()
        await store.save(saved)
        assert await store.get("T0001", "U0001") == saved
    finally:
        await engine.dispose()
