"""DATABASE_URL normalisation, and the engine: SQLite's directory and pragmas, no password shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import create_engine, database_url, printable_url
from bot.store.database import DEFAULT_URL


@pytest.mark.parametrize("raw", [None, "", "   ", "\n"])
def test_unset_means_a_sqlite_file_in_data(raw: str | None) -> None:
    assert database_url(raw) == DEFAULT_URL == "sqlite+aiosqlite:///data/app.db"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # What Heroku, Render, Fly and friends hand out.
        (
            "postgres://user:pa%40ss@db.example.com:5432/app",
            "postgresql+asyncpg://user:pa%40ss@db.example.com:5432/app",
        ),
        (
            "postgresql://user:secret@db.example.com/app",
            "postgresql+asyncpg://user:secret@db.example.com/app",
        ),
        (" postgres://u@h/d\n", "postgresql+asyncpg://u@h/d"),
        # asyncpg spells libpq's sslmode `ssl`; other parameters stay.
        (
            "postgres://u:p@h/d?sslmode=require&application_name=card",
            "postgresql+asyncpg://u:p@h/d?ssl=require&application_name=card",
        ),
        ("sqlite:///relative.db", "sqlite+aiosqlite:///relative.db"),
        ("sqlite:////var/lib/app.db", "sqlite+aiosqlite:////var/lib/app.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        # Already async, or a driver chosen on purpose: unchanged.
        ("postgresql+asyncpg://u@h/d?ssl=require", "postgresql+asyncpg://u@h/d?ssl=require"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("mysql+aiomysql://u@h/d", "mysql+aiomysql://u@h/d"),
    ],
)
def test_urls_become_async(raw: str, expected: str) -> None:
    assert database_url(raw) == expected


def test_printable_url_hides_the_password() -> None:
    url = database_url("postgres://card:hunter2-secret@db.example.com/app")
    assert printable_url(url) == "postgresql+asyncpg://card:***@db.example.com/app"
    assert printable_url("sqlite+aiosqlite:///data/app.db") == "sqlite+aiosqlite:///data/app.db"
    assert "hunter2" not in printable_url("not a url hunter2")


async def test_the_default_database_is_created_under_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = create_engine(database_url(None))
    try:
        async with engine.connect() as sql:
            journal = (await sql.execute(text("PRAGMA journal_mode"))).scalar()
            foreign_keys = (await sql.execute(text("PRAGMA foreign_keys"))).scalar()
    finally:
        await engine.dispose()
    assert (tmp_path / "data" / "app.db").is_file()
    assert journal == "wal"
    assert foreign_keys == 1


async def test_sqlite_transactions_cover_ddl(tmp_path: Path) -> None:
    """A failed transaction takes its CREATE TABLE with it (Python's sqlite3 alone would not)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    try:
        with pytest.raises(RuntimeError, match="rolled back"):
            async with engine.begin() as sql:
                await sql.execute(text("CREATE TABLE half_done (id INTEGER)"))
                raise RuntimeError("rolled back")
        async with engine.connect() as sql:
            tables = (
                await sql.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            ).all()
    finally:
        await engine.dispose()
    assert tables == []


async def test_an_in_memory_database_works() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as sql:
            assert (await sql.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()
