"""Storage: Pipedrive connections per Slack user and workspace bindings (SQLAlchemy, Alembic),
and shared state (in-process or Redis, in shared_state.py and redis_state.py)."""

from bot.store.connections import ConnectionStore, PipedriveConnection, WorkspaceCompany
from bot.store.crypto import TokenCipher, UndecryptableToken, new_key
from bot.store.database import create_engine, database_url, printable_url
from bot.store.migrate import migrate, upgrade

__all__ = [
    "ConnectionStore",
    "PipedriveConnection",
    "TokenCipher",
    "UndecryptableToken",
    "WorkspaceCompany",
    "create_engine",
    "database_url",
    "migrate",
    "new_key",
    "printable_url",
    "upgrade",
]
