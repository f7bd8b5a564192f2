"""The message that answers a Slack user: the use case's answer, or a way to connect first.

An answer that says the user has not connected Pipedrive (PIPEDRIVE_AUTH=oauth) becomes the
Connect button, with a state that brings them back to this very lookup (`response_url`, the
query they typed) once they have connected.
"""

from __future__ import annotations

from datetime import datetime

from blocks import Message, answer_message, connect_message
from bot.cards.connections import Viewer
from bot.cards.lookup import Answer
from bot.cards.oauth_states import PendingConnect
from bot.domain import Failure, FailureKind
from bot.slack.dependencies import Dependencies


async def reply_for(
    answer: Answer,
    deps: Dependencies,
    viewer: Viewer,
    *,
    response_url: str | None = None,
    query: str | None = None,
    fetched_at: datetime | None = None,
) -> Message:
    if (
        isinstance(answer, Failure)
        and answer.kind is FailureKind.NOT_CONNECTED
        and deps.connections is not None
    ):
        pending = PendingConnect(
            team_id=viewer.team_id,
            user_id=viewer.user_id,
            enterprise_id=viewer.enterprise_id,
            response_url=response_url,
            query=query,
        )
        return connect_message(await deps.connections.connect_url(pending))
    return answer_message(answer, company_domain=deps.company_domain, fetched_at=fetched_at)
