"""Who a Slack user is (`users.info`, scope `users:read`): for a form, their name (a note's
attribution line) and time zone, where a lookup that fails gives an empty profile (the form then
says "you" and works in UTC); for `/person setup`, whether they administer the workspace."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 2.0


@dataclass(frozen=True)
class SlackProfile:
    name: str | None = None
    time_zone: str | None = None  # IANA, e.g. "America/New_York"


async def slack_profile(slack: AsyncWebClient, user_id: str) -> SlackProfile:
    """The user's display name (else real name, else handle) and time zone."""
    user = await _user(slack, user_id)  # None: the form still opens, in UTC
    if user is None:
        return SlackProfile()
    found = user.get("profile")
    profile = found if isinstance(found, dict) else {}
    names = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"))
    name = next(filter(None, map(_text, (*names, user.get("name")))), None)
    return SlackProfile(name=name, time_zone=_text(user.get("tz")))


async def is_workspace_admin(slack: AsyncWebClient, user_id: str) -> bool:
    """Whether Slack says the user is an admin or owner of the workspace; False when it will
    not say (failing closed)."""
    user = await _user(slack, user_id)
    return user is not None and any(
        user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner")
    )


async def _user(slack: AsyncWebClient, user_id: str) -> dict[str, Any] | None:
    """`users.info`'s user, or None when Slack does not answer with one in time."""
    try:
        async with asyncio.timeout(LOOKUP_TIMEOUT):
            response = await slack.users_info(user=user_id)
    except Exception as error:
        log.info("user %s: users.info failed (%s)", user_id, type(error).__name__)
        return None
    user = response.get("user")
    return user if isinstance(user, dict) else None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
