"""The detail of an unfurl in a conversation: the rule, asking Slack about the channel only
when the answer depends on whether it is shared with another organization."""

from __future__ import annotations

from typing import Literal

from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.unfurl_policy import UnfurlPolicy, depends_on_sharing, unfurl_detail
from bot.domain import CardDetail
from bot.slack.channels import ChannelDirectory


class UnfurlDetails:
    """The detail for an unfurl in a channel; looks the channel up only when that matters."""

    def __init__(
        self,
        policy: UnfurlPolicy,
        channels: ChannelDirectory,
        *,
        share_external: Literal["compact", "full"] = "compact",
    ) -> None:
        self.policy = policy
        self._channels = channels
        self.share_external = share_external

    async def for_share(self, channel: str, *, slack: AsyncWebClient, team_id: str) -> CardDetail:
        """A shared card: the whole card, but compact in a conversation shared with another
        organization (or one Slack will not describe) unless SHARE_EXTERNAL=full. `slack` and
        `team_id`: the workspace asking (see `ChannelDirectory.is_external`)."""
        if self.share_external == "full":
            return "full"
        external = await self._channels.is_external(channel, slack=slack, team_id=team_id)
        return "compact" if external else "full"

    async def for_channel(
        self, channel: str, *, slack: AsyncWebClient, team_id: str
    ) -> CardDetail | None:
        if not depends_on_sharing(self.policy, channel):
            return unfurl_detail(self.policy, channel, external=False)
        external = await self._channels.is_external(channel, slack=slack, team_id=team_id)
        return unfurl_detail(self.policy, channel, external=external)
