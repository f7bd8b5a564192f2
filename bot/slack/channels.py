"""Which Slack conversations are shared with another organization (Slack Connect).

`conversations.info` says so (`channel.is_ext_shared`); the answer is kept per channel for a
while (10 minutes by default). A conversation that cannot be looked up counts as shared: an
error, a channel the app cannot see, a slow or unreachable Slack, or the message composer,
where there is no conversation yet; so does one being shared (`is_pending_ext_shared`) and one
whose answer does not say `is_ext_shared: false`. Guessing "internal" could show a person's
details to another company; guessing "shared" only makes an unfurl compact.

Installed in many workspaces, each lookup is made with the client of the workspace that asked
(Bolt's `context.client`, with that workspace's bot token) and kept under that workspace.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.cache import AsyncTTLCache
from bot.config import is_channel_id

log = logging.getLogger(__name__)

CHANNEL_TTL = 600.0
# Seconds a lookup may take; an unfurl waits for it, and Slack wants unfurls soon.
LOOKUP_TIMEOUT = 2.0
# Errors that say nothing about the channel, only about Slack at that moment.
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class ChannelDirectory:
    def __init__(
        self,
        *,
        ttl: float = CHANNEL_TTL,
        max_entries: int = 5000,
        timeout: float = LOOKUP_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout
        self._shared: AsyncTTLCache[tuple[str, str], bool] = AsyncTTLCache(
            ttl=ttl, max_entries=max_entries, clock=clock
        )

    async def is_external(self, channel: str, *, slack: AsyncWebClient, team_id: str) -> bool:
        """True when `channel` is shared with another organization, or cannot be looked up.

        `slack`: the asking workspace's client (Bolt's `context.client`); `team_id`: that
        workspace, which the answer is kept under."""
        if not is_channel_id(channel):
            return True
        try:
            async with asyncio.timeout(self._timeout):
                return await self._shared.get(
                    (team_id, channel), lambda: self._look_up(slack, channel)
                )
        except Exception as error:
            log.warning("channel %s: lookup failed (%s); treating it as shared", channel, error)
            return True

    async def _look_up(self, slack: AsyncWebClient, channel: str) -> bool:
        try:
            response = await slack.conversations_info(channel=channel)
        except SlackApiError as error:
            code = error.response.get("error")
            if code in _TRANSIENT or error.response.status_code == 429:
                raise  # not kept: Slack may answer the next time
            # A definite answer ("channel_not_found", "missing_scope"): kept like any other.
            log.info("channel %s: %s; treating it as shared", channel, code)
            return True
        info = response.get("channel")
        if not isinstance(info, dict):
            return True
        # Pending counts: once the other organization accepts, it sees the history too.
        # Only an explicit "not shared" is taken as internal.
        return info.get("is_ext_shared") is not False or bool(info.get("is_pending_ext_shared"))
