"""Which database, and an async engine for it: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///data/app.db"

_ASYNC_POSTGRES = "postgresql+asyncpg://"
_POSTGRES_PREFIXES = ("postgres://", "postgresql://")


def database_url(raw: str | None) -> str:
    """`DATABASE_URL` as an async SQLAlchemy URL.

    Unset or empty: a SQLite file, `data/app.db` under the working directory. PaaS URLs
    (`postgres://…`, `postgresql://…`) use asyncpg; `sqlite:///…` uses aiosqlite. Anything
    else (already async, or another driver) passes through unchanged.
    """
    url = (raw or "").strip()
    if not url:
        return DEFAULT_URL
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return _asyncpg_ssl(_ASYNC_POSTGRES + url.removeprefix(prefix))
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    return url


def _asyncpg_ssl(url: str) -> str:
    # asyncpg takes libpq's sslmode values as `ssl` and refuses an `sslmode` argument.
    base, _, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(key == "sslmode" for key, _ in pairs):
        return url
    renamed = [("ssl" if key == "sslmode" else key, value) for key, value in pairs]
    return f"{base}?{urlencode(renamed)}"


def printable_url(url: str | URL) -> str:
    """The URL with its password hidden: the only form of a database URL fit for a log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that cannot be parsed)"


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine; for a SQLite file, its directory is created and WAL turned on.

    `options` go to SQLAlchemy's `create_async_engine` (e.g. `connect_args`).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(parsed, **options)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file:")
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(parsed, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_connect(wal=not in_memory))
    event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(*, wal: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # sqlite3 would begin transactions itself, but not before DDL: _sqlite_begin does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:
            # Readers no longer wait for a writer (the app reads on every request).
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return on_connect


def _sqlite_begin(connection: Connection) -> None:
    # SQLAlchemy's recipe for real transactions on SQLite, migrations' DDL included.
    connection.exec_driver_sql("BEGIN")
