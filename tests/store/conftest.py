"""Fixtures for the store tests, each backend real and isolated from other runs on the server.

Shared state: in-process always, Redis when TEST_REDIS_URL is set (a key prefix per test).
Databases: a SQLite file always, PostgreSQL when TEST_DATABASE_URL is set. Each test gets an
empty database of its own: a new SQLite file, or a new PostgreSQL schema (named after this
session, dropped after the test and again, as a safety net, at the end of the session) reached
through asyncpg's `search_path`, so that runs sharing the server never see each other's tables.
A variable that is set but names a server that cannot be used fails the tests, never skips them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bot.store import (
    ConnectionStore,
    TokenCipher,
    create_engine,
    database_url,
    new_key,
    upgrade,
)
from bot.store.database import printable_url

from .examples import WallClock

# --- Databases -------------------------------------------------------------------------------

POSTGRES_SKIP = (
    "TEST_DATABASE_URL is not set: PostgreSQL variants skipped"
    " (e.g. TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
)


@dataclass
class PostgresSchemas:
    """Schema names unique to this test session; remembers them to drop them all at the end."""

    url: str
    prefix: str = field(default_factory=lambda: f"store_test_{uuid.uuid4().hex[:12]}")
    created: list[str] = field(default_factory=list)
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def new_name(self) -> str:
        return f"{self.prefix}_{next(self.numbers)}"


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[PostgresSchemas]:
    raw = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not raw:
        pytest.skip(POSTGRES_SKIP)
    url = database_url(raw)  # postgres://… as a PaaS spells it works too
    schemas = PostgresSchemas(url)
    yield schemas
    if schemas.created:
        asyncio.run(_drop_schemas(url, schemas.created))


async def _run_admin(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _create_schema(url: str, name: str) -> str | None:
    """Creates the schema; says why not when the server cannot be reached or used."""
    try:
        await _run_admin(url, f'CREATE SCHEMA "{name}"')
    except (OSError, SQLAlchemyError) as error:
        return str(error)
    return None


async def _drop_schemas(url: str, names: list[str]) -> None:
    await _run_admin(url, *(f'DROP SCHEMA IF EXISTS "{name}" CASCADE' for name in names))


@dataclass
class Database:
    """An empty database for one test: its engine, and how to reach it again."""

    backend: str
    engine: AsyncEngine
    url: str
    sqlite_path: Path | None = None
    schema: str | None = None

    def another_engine(self) -> AsyncEngine:
        """A second engine on the same database (a second process, as far as the store knows)."""
        return _engine_for(self.url, self.schema)


def _engine_for(url: str, schema: str | None) -> AsyncEngine:
    if schema is None:
        return create_engine(url)
    return create_engine(
        url, poolclass=NullPool, connect_args={"server_settings": {"search_path": schema}}
    )


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        url = f"sqlite+aiosqlite:///{path}"
        database = Database("sqlite", _engine_for(url, None), url, sqlite_path=path)
        yield database
        await database.engine.dispose()
        return
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    schema = schemas.new_name()
    problem = await _create_schema(schemas.url, schema)
    if problem is not None:
        pytest.fail(
            f"TEST_DATABASE_URL is set but PostgreSQL at {printable_url(schemas.url)}"
            f" cannot be used: {problem}",
            pytrace=False,
        )
    schemas.created.append(schema)
    database = Database("postgresql", _engine_for(schemas.url, schema), schemas.url, schema=schema)
    yield database
    await database.engine.dispose()
    await _drop_schemas(schemas.url, [schema])


@pytest.fixture
async def database(empty_database: Database) -> Database:
    """A database migrated to the newest revision."""
    await upgrade(empty_database.engine)
    return empty_database


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def key() -> str:
    return new_key()


@pytest.fixture
def cipher(key: str) -> TokenCipher:
    return TokenCipher.from_keys(key)


@pytest.fixture
def store(database: Database, cipher: TokenCipher, clock: WallClock) -> ConnectionStore:
    return ConnectionStore(database.engine, cipher, now=clock)
