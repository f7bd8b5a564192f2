"""The app's own tables (SQLAlchemy declarative); the migrations create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Dialect, Index, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Slack ids (T…, E…, U…) are short; slack_sdk's own tables use 32 characters.
SLACK_ID = String(32)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a stored time must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ConnectionRow(Base):
    """One Slack user's Pipedrive OAuth connection; tokens are Fernet ciphertext."""

    __tablename__ = "pipedrive_connections"
    __table_args__ = (
        # Pipedrive's uninstall notice names a company and a user.
        Index(
            "ix_pipedrive_connections_pipedrive_user", "pipedrive_company_id", "pipedrive_user_id"
        ),
    )

    slack_team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    # Set for org-wide (Enterprise Grid) installs; an org-wide uninstall removes by it.
    slack_enterprise_id: Mapped[str | None] = mapped_column(SLACK_ID, index=True)
    pipedrive_user_id: Mapped[int] = mapped_column(BigInteger)
    pipedrive_company_id: Mapped[int] = mapped_column(BigInteger)
    company_domain: Mapped[str] = mapped_column(String(255))
    api_domain: Mapped[str] = mapped_column(String(255))
    user_name: Mapped[str] = mapped_column(String(255))
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    scope: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WorkspaceCompanyRow(Base):
    """The Pipedrive company a Slack workspace (or, org-wide, an enterprise) is bound to."""

    __tablename__ = "workspace_companies"

    # A team id (T…), or an enterprise id (E…) for an org-wide install.
    slack_team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    company_domain: Mapped[str] = mapped_column(String(255))
    company_id: Mapped[int] = mapped_column(BigInteger)  # 0: bound by `/person setup`
    bound_at: Mapped[datetime] = mapped_column(UtcDateTime)
