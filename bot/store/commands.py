"""`python -m bot migrate` and `python -m bot keygen`."""

from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.store.crypto import new_key
from bot.store.database import create_engine, database_url, printable_url
from bot.store.migrate import current_revision, upgrade


def keygen_command() -> int:
    """Prints a new key for TOKEN_ENCRYPTION_KEY."""
    print(new_key())
    return 0


def migrate_command() -> int:
    """Upgrades the database at DATABASE_URL (default: data/app.db) to the newest revision."""
    url = database_url(os.environ.get("DATABASE_URL"))
    try:
        before, after = asyncio.run(_migrate(url))
    except (SQLAlchemyError, OSError, ImportError) as error:
        print(f"error: cannot migrate {printable_url(url)}: {_reason(error, url)}", file=sys.stderr)
        return 1
    if before == after:
        print(f"{printable_url(url)}: already at revision {after}")
    else:
        print(f"{printable_url(url)}: migrated from {before or 'empty'} to revision {after}")
    return 0


def _reason(error: BaseException, url: str) -> str:
    lines = str(getattr(error, "orig", None) or error).splitlines()
    reason = lines[0] if lines else type(error).__name__
    password = _password(url)
    return reason.replace(password, "***") if password else reason


def _password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None


async def _migrate(url: str) -> tuple[str | None, str | None]:
    engine = create_engine(url)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        return before, await current_revision(engine)
    finally:
        await engine.dispose()
