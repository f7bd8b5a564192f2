"""Who may use the app: guests, and members of `ALLOWED_USERGROUP`.

With one shared API token (PIPEDRIVE_AUTH=api_token) a guest would read every contact that
token's user may see, so guests (`is_restricted`, `is_ultra_restricted` in `users.info`) are
refused unless `ALLOW_GUESTS=true`. `ALLOWED_USERGROUP` limits the app to one Slack user group
in any mode. Answers are kept 10 minutes per user; a user Slack will not describe is refused
(failing closed), and the log says why. Slack is asked with the client of the workspace the
request came from, and answers are kept per workspace.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.cache import AsyncTTLCache

log = logging.getLogger(__name__)

ACCESS_TTL = 600.0


class Refusal(StrEnum):
    GUEST = "guest_refused"
    NOT_IN_GROUP = "not_in_usergroup"
    UNKNOWN_USER = "user_unverified"


class UnknownUser(Exception):
    """Slack answered, but not with what access needs to know."""


class Access:
    def __init__(
        self,
        *,
        refuse_guests: bool,
        usergroup: str | None,
        ttl: float = ACCESS_TTL,
        max_entries: int = 5000,
    ) -> None:
        self.refuse_guests = refuse_guests
        self.usergroup = usergroup
        self._guests: AsyncTTLCache[tuple[str, str], bool] = AsyncTTLCache(
            ttl=ttl, max_entries=max_entries
        )
        self._members: AsyncTTLCache[str, frozenset[str]] = AsyncTTLCache(ttl=ttl, max_entries=1)

    @property
    def checks_anything(self) -> bool:
        return self.refuse_guests or self.usergroup is not None

    async def refusal(self, user_id: str, *, slack: AsyncWebClient, team_id: str) -> Refusal | None:
        """Why `user_id` of workspace `team_id` may not use the app, or None; Slack is asked
        with `slack`, the workspace's client (Bolt's `context.client`)."""
        if not self.checks_anything:
            return None
        try:
            if self.refuse_guests and await self._guests.get(
                (team_id, user_id), lambda: self._is_guest(slack, user_id)
            ):
                return Refusal.GUEST
            if self.usergroup is not None:
                # One user group: settings refuse ALLOWED_USERGROUP with many workspaces.
                members = await self._members.get(
                    self.usergroup, lambda: self._group_members(slack)
                )
                if user_id not in members:
                    return Refusal.NOT_IN_GROUP
        except SlackApiError as error:
            log.warning(
                "access: Slack would not say who %s is (%s)", user_id, error.response.get("error")
            )
            return Refusal.UNKNOWN_USER
        return None

    async def _is_guest(self, slack: AsyncWebClient, user_id: str) -> bool:
        answer = await slack.users_info(user=user_id)
        user = answer.get("user")
        if not isinstance(user, dict):
            raise UnknownUser("users.info answered no user")
        return bool(user.get("is_restricted") or user.get("is_ultra_restricted"))

    async def _group_members(self, slack: AsyncWebClient) -> frozenset[str]:
        assert self.usergroup is not None
        answer = await slack.usergroups_users_list(usergroup=self.usergroup)
        users = answer.get("users")
        return (
            frozenset(user for user in users if isinstance(user, str))
            if isinstance(users, list)
            else frozenset()
        )
