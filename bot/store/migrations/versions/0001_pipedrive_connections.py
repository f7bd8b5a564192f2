"""Pipedrive connections per Slack user, and the company each workspace is bound to.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "pipedrive_connections",
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("slack_enterprise_id", sa.String(32), nullable=True),
        sa.Column("pipedrive_user_id", sa.BigInteger(), nullable=False),
        sa.Column("pipedrive_company_id", sa.BigInteger(), nullable=False),
        sa.Column("company_domain", sa.String(255), nullable=False),
        sa.Column("api_domain", sa.String(255), nullable=False),
        sa.Column("user_name", sa.String(255), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "slack_team_id", "slack_user_id", name=op.f("pk_pipedrive_connections")
        ),
    )
    op.create_index(
        "ix_pipedrive_connections_pipedrive_user",
        "pipedrive_connections",
        ["pipedrive_company_id", "pipedrive_user_id"],
    )
    op.create_index(
        op.f("ix_pipedrive_connections_slack_enterprise_id"),
        "pipedrive_connections",
        ["slack_enterprise_id"],
    )
    op.create_table(
        "workspace_companies",
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("company_domain", sa.String(255), nullable=False),
        sa.Column("company_id", sa.BigInteger(), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slack_team_id", name=op.f("pk_workspace_companies")),
    )


def downgrade() -> None:
    op.drop_table("workspace_companies")
    op.drop_index(
        op.f("ix_pipedrive_connections_slack_enterprise_id"), table_name="pipedrive_connections"
    )
    op.drop_index("ix_pipedrive_connections_pipedrive_user", table_name="pipedrive_connections")
    op.drop_table("pipedrive_connections")
