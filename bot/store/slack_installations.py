"""Slack's installations (one bot token per workspace) kept by slack_sdk's SQLAlchemy store,
with every token encrypted in its column, as the Pipedrive tokens are (`TokenCipher`).

The store is slack_sdk's own; only the type of its token columns changes: a SQLAlchemy
`TypeDecorator` encrypts a token on its way into the database and decrypts it on its way out,
so every query slack_sdk makes (save, find, delete) works unchanged and the database never
holds a token in clear. The columns are wider than slack_sdk's (migration 0003): a token's
ciphertext is longer than the token.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

from bot.store.crypto import TokenCipher

# The columns of slack_sdk's installation and bot tables that hold tokens.
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
# Room for the ciphertext of a token of up to about 600 characters (Slack's are about 60).
SEALED_TOKEN_LENGTH = 1000


class SealedToken(TypeDecorator[str]):
    """A token column: encrypted with `cipher` in the database, plain text in Python."""

    impl = String(SEALED_TOKEN_LENGTH)
    cache_ok = True

    def __init__(self, cipher: TokenCipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.encrypt(SecretStr(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.decrypt(value).get_secret_value()


class SealedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's async installation store, whose token columns are `SealedToken`s."""

    def __init__(
        self, *, client_id: str, engine: AsyncEngine, cipher: TokenCipher, **options: Any
    ) -> None:
        options.setdefault("logger", logging.getLogger("bot.slack.installations"))
        super().__init__(client_id=client_id, engine=engine, **options)
        sealed = SealedToken(cipher)
        for table in (self.installations, self.bots):
            for name in TOKEN_COLUMNS:
                if name in table.c:
                    table.c[name].type = sealed
