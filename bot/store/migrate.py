"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.database import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for the store; `url` only for commands run without a connection.

    For a new revision: `command.revision(alembic_config(url), "what", autogenerate=True)`.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # Not a main option: ConfigParser would read any `%` in the password as interpolation.
        config.attributes["url"] = url
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


async def upgrade(engine: AsyncEngine) -> None:
    """Upgrades the engine's database to the newest revision, in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_to_head)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's revision; None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


async def migrate(url: str) -> None:
    """Upgrades the database at `url` to the newest revision (the app runs it at start-up)."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _upgrade_to_head(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two processes starting at once take turns (per schema) instead of racing the DDL.
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('bot.store migrate ' || current_schema()))")
        )
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
