"""Room for encrypted Slack tokens: the token columns of Slack's installation tables widen
from 200 to 1000 characters (`bot.store.slack_installations` keeps them encrypted).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Copied, not imported, so that this revision never changes.
COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def _resize(old: int, new: int) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:  # SQLite: a copy of the table
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.String(old),
                    type_=sa.String(new),
                    existing_nullable=True,
                )


def upgrade() -> None:
    _resize(200, 1000)


def downgrade() -> None:
    _resize(1000, 200)
