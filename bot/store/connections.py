"""Each Slack user's Pipedrive connection, and the company each workspace is bound to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Delete, RowMapping, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.crypto import TokenCipher
from bot.store.tables import ConnectionRow, WorkspaceCompanyRow


@dataclass(frozen=True)
class PipedriveConnection:
    """A Slack user's Pipedrive OAuth tokens and who they are in Pipedrive."""

    slack_team_id: str
    slack_user_id: str
    pipedrive_user_id: int
    pipedrive_company_id: int
    company_domain: str
    # Base URL for API calls with this token (Pipedrive's `api_domain`; it can change).
    api_domain: str
    user_name: str
    access_token: SecretStr
    refresh_token: SecretStr
    expires_at: datetime
    scope: str
    slack_enterprise_id: str | None = None

    def __post_init__(self) -> None:
        if self.expires_at.utcoffset() is None:
            raise ValueError("expires_at must be timezone-aware")


@dataclass(frozen=True)
class WorkspaceCompany:
    """The Pipedrive company a Slack workspace (or enterprise, org-wide) is bound to."""

    slack_team_id: str
    company_domain: str
    company_id: int
    bound_at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ConnectionStore:
    """Connections and workspace bindings in SQL; tokens are encrypted before they reach it."""

    def __init__(
        self,
        engine: AsyncEngine,
        cipher: TokenCipher,
        *,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._now = now
        self._insert = _dialect_insert(engine.dialect.name)

    async def get(self, team_id: str, user_id: str) -> PipedriveConnection | None:
        """The user's connection, tokens decrypted; raises `UndecryptableToken` on a lost key."""
        query = select(ConnectionRow.__table__).where(
            ConnectionRow.slack_team_id == team_id, ConnectionRow.slack_user_id == user_id
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        return None if row is None else self._connection(row)

    async def save(self, connection: PipedriveConnection) -> None:
        """Inserts the user's connection, or replaces it (every field but `created_at`)."""
        now = self._now()
        values: dict[str, Any] = {
            "slack_team_id": connection.slack_team_id,
            "slack_user_id": connection.slack_user_id,
            "slack_enterprise_id": connection.slack_enterprise_id,
            "pipedrive_user_id": connection.pipedrive_user_id,
            "pipedrive_company_id": connection.pipedrive_company_id,
            "company_domain": connection.company_domain,
            "api_domain": connection.api_domain,
            "user_name": connection.user_name,
            "access_token": self._cipher.encrypt(connection.access_token),
            "refresh_token": self._cipher.encrypt(connection.refresh_token),
            "expires_at": connection.expires_at,
            "scope": connection.scope,
            "updated_at": now,
        }
        key = ["slack_team_id", "slack_user_id"]
        upsert = (
            self._insert(ConnectionRow)
            .values(**values, created_at=now)
            .on_conflict_do_update(
                index_elements=key,
                set_={name: value for name, value in values.items() if name not in key},
            )
        )
        async with self._engine.begin() as sql:
            await sql.execute(upsert)

    async def delete(self, team_id: str, user_id: str) -> bool:
        """Forgets the user's connection; False if there was none."""
        statement = delete(ConnectionRow).where(
            ConnectionRow.slack_team_id == team_id, ConnectionRow.slack_user_id == user_id
        )
        return await self._deleted(statement) > 0

    async def delete_pipedrive_user(self, company_id: int, pipedrive_user_id: int) -> int:
        """Pipedrive's uninstall notice: every Slack user connected as that Pipedrive user."""
        statement = delete(ConnectionRow).where(
            ConnectionRow.pipedrive_company_id == company_id,
            ConnectionRow.pipedrive_user_id == pipedrive_user_id,
        )
        return await self._deleted(statement)

    async def delete_team(self, team_id: str) -> int:
        """Slack app uninstalled: the team's (or enterprise's) connections and binding.

        Returns how many connections were removed. An enterprise id (org-wide install) also
        matches every connection made in that enterprise's workspaces, and their bindings.
        """
        connections = delete(ConnectionRow).where(
            or_(
                ConnectionRow.slack_team_id == team_id, ConnectionRow.slack_enterprise_id == team_id
            )
        )
        # Workspaces of an org-wide install are bound one by one: those its members connected in.
        enterprise_teams = select(ConnectionRow.slack_team_id).where(
            ConnectionRow.slack_enterprise_id == team_id
        )
        bindings = delete(WorkspaceCompanyRow).where(
            or_(
                WorkspaceCompanyRow.slack_team_id == team_id,
                WorkspaceCompanyRow.slack_team_id.in_(enterprise_teams),
            )
        )
        async with self._engine.begin() as sql:
            await sql.execute(bindings)
            removed = (await sql.execute(connections)).rowcount
        return removed

    async def connected_company(self, team_id: str) -> tuple[str, int] | None:
        """The company (domain, id) of one of the team's connections, if any: connections made
        before the workspace was bound (one workspace, then many) bind it to theirs."""
        query = (
            select(ConnectionRow.company_domain, ConnectionRow.pipedrive_company_id)
            .where(ConnectionRow.slack_team_id == team_id)
            .order_by(ConnectionRow.created_at)
            .limit(1)
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else (str(row[0]), int(row[1]))

    async def bound_company(self, team_id: str) -> WorkspaceCompany | None:
        query = select(WorkspaceCompanyRow.__table__).where(
            WorkspaceCompanyRow.slack_team_id == team_id
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        return None if row is None else WorkspaceCompany(**row)

    async def bind_company(
        self, team_id: str, company_domain: str, company_id: int
    ) -> WorkspaceCompany:
        """Binds the workspace to a company unless already bound: returns the binding in effect.

        The first binding wins, even between concurrent callers; compare `company_id` with
        the one asked for to refuse a different company.
        """
        table = WorkspaceCompanyRow.__table__
        # A no-op update on conflict locks and returns the row in effect, in one statement.
        upsert = (
            self._insert(table)
            .values(
                slack_team_id=team_id,
                company_domain=company_domain,
                company_id=company_id,
                bound_at=self._now(),
            )
            .on_conflict_do_update(
                index_elements=["slack_team_id"],
                set_={"company_domain": table.c.company_domain},
            )
            .returning(*table.c)
        )
        async with self._engine.begin() as sql:
            row = (await sql.execute(upsert)).mappings().one()
        return WorkspaceCompany(**row)

    async def _deleted(self, statement: Delete) -> int:
        async with self._engine.begin() as sql:
            return int((await sql.execute(statement)).rowcount)

    def _connection(self, row: RowMapping) -> PipedriveConnection:
        return PipedriveConnection(
            slack_team_id=row["slack_team_id"],
            slack_user_id=row["slack_user_id"],
            slack_enterprise_id=row["slack_enterprise_id"],
            pipedrive_user_id=row["pipedrive_user_id"],
            pipedrive_company_id=row["pipedrive_company_id"],
            company_domain=row["company_domain"],
            api_domain=row["api_domain"],
            user_name=row["user_name"],
            access_token=self._cipher.decrypt(row["access_token"]),
            refresh_token=self._cipher.decrypt(row["refresh_token"]),
            expires_at=row["expires_at"],
            scope=row["scope"],
        )


def _dialect_insert(dialect: str) -> Any:
    # Both dialects spell an atomic upsert the same way (ON CONFLICT); others have no such insert.
    inserts = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if dialect not in inserts:
        raise ValueError(f"the store supports SQLite and PostgreSQL, not {dialect}")
    return inserts[dialect]
