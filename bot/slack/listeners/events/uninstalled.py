"""`app_uninstalled` and `tokens_revoked`: forget what was stored for the workspace.

Bolt hands these events over without looking the workspace's token up (it no longer works).
With one workspace (SLACK_BOT_TOKEN) no Slack token is stored: an uninstall still forgets the
workspace's Pipedrive connections (PIPEDRIVE_AUTH=oauth).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies
from bot.slack.installs import forget_revoked_tokens, forget_workspace


@listener
async def app_uninstalled(
    context: AsyncBoltContext, deps: Dependencies, record: RequestRecord
) -> None:
    removed = await forget_workspace(
        deps.installations,
        deps.connections,
        enterprise_id=context.enterprise_id,
        team_id=context.team_id,
        is_enterprise_install=bool(context.is_enterprise_install),
    )
    record.details["connections_removed"] = removed
    record.outcome = "forgot_workspace"


@listener
async def tokens_revoked(
    event: dict[str, Any], context: AsyncBoltContext, deps: Dependencies, record: RequestRecord
) -> None:
    if deps.installations is None:
        record.outcome = "no_tokens_stored"
        return
    tokens = event.get("tokens")
    revoked: dict[str, Any] = tokens if isinstance(tokens, dict) else {}
    users = revoked.get("oauth")
    await forget_revoked_tokens(
        deps.installations,
        enterprise_id=context.enterprise_id,
        team_id=context.team_id,
        user_ids=[user for user in users if isinstance(user, str)]
        if isinstance(users, list)
        else [],
        bot_revoked=bool(revoked.get("bot")),
    )
    record.outcome = "forgot_tokens"
