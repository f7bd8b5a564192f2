"""How much of a person an unfurl shows in a given conversation.

`unfurl_detail` is the rule, a pure function of the settings, the channel and whether the
channel is shared with another organization (`bot.slack.unfurl_details` asks Slack that, only
when the answer depends on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import Settings
from bot.domain import CardDetail


@dataclass(frozen=True)
class UnfurlPolicy:
    """`UNFURL_DETAIL`, `UNFURL_EXTERNAL` and `UNFURL_CHANNELS` (None: every conversation)."""

    detail: Literal["full", "compact", "off"] = "full"
    external: Literal["compact", "full"] = "compact"
    channels: frozenset[str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> UnfurlPolicy:
        return cls(
            detail=settings.unfurl_detail,
            external=settings.unfurl_external,
            channels=settings.unfurl_channel_allow_list,
        )


def unfurl_detail(policy: UnfurlPolicy, channel: str, *, external: bool) -> CardDetail | None:
    """The card an unfurl in `channel` shows, or None for no unfurl at all.

    `external`: the channel is shared with another organization, or could not be looked up.
    """
    if policy.detail == "off":
        return None
    if policy.channels is not None and channel not in policy.channels:
        return None
    if external and policy.external == "compact":
        return "compact"
    return policy.detail


def depends_on_sharing(policy: UnfurlPolicy, channel: str) -> bool:
    """Whether `unfurl_detail` for `channel` needs to know if the channel is shared."""
    return unfurl_detail(policy, channel, external=True) != unfurl_detail(
        policy, channel, external=False
    )
