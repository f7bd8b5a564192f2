"""Alembic's environment for the store: run by `bot.store.migrate`, never from an alembic.ini.

`bot.store.migrate` hands over an open connection (`config.attributes["connection"]`); tools
such as `alembic.command.revision` may instead give a URL (`config.attributes["url"]`).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.database import create_engine
from bot.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    # Batch mode lets future ALTERs work on SQLite, which rebuilds a table to alter it.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_at(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


given: Connection | None = config.attributes.get("connection")
if given is not None:
    run_on(given)
elif context.is_offline_mode():
    run_offline(config.attributes["url"])
else:
    asyncio.run(run_at(config.attributes["url"]))
