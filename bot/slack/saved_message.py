"""The Slack message a user saves to Pipedrive ("Save to Pipedrive" on a message): who wrote
it, when, its text as plain text, its email addresses, and its permalink.

Slack sends message text in its markup (`<@U123>`, `<https://…|label>`, `&amp;`); a note wants
it as a person would read it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from blocks.text import unescape
from bot.config import is_channel_id

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT = 2.0
TEXT_MAX = 40_000  # Slack's own limit for a message's text
_TOKEN = re.compile(r"<([^<>]*)>")
_TS = re.compile(r"^[0-9]{1,12}\.[0-9]{1,8}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


@dataclass(frozen=True)
class SavedMessage:
    channel: str
    ts: str
    text: str  # plain text, as a person reads it
    author_id: str | None  # a Slack user; None for an app's message
    author_name: str | None  # what an app's message calls itself

    @property
    def posted_at(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), tz=UTC)

    def email_addresses(self) -> list[str]:
        """The distinct email addresses in the text (not case sensitive), in order."""
        found: dict[str, str] = {}
        for address in _EMAIL.findall(self.text):
            found.setdefault(address.casefold(), address)
        return list(found.values())


def saved_message(shortcut: dict[str, Any]) -> SavedMessage | None:
    """The message of a message shortcut's payload, or None when it names none."""
    message, channel = shortcut.get("message"), shortcut.get("channel")
    if not isinstance(message, dict) or not isinstance(channel, dict):
        return None
    channel_id, ts = channel.get("id"), message.get("ts")
    if not isinstance(channel_id, str) or not is_channel_id(channel_id):
        return None
    if not isinstance(ts, str) or not _TS.match(ts):
        return None
    author = message.get("user")
    text = message.get("text")
    return SavedMessage(
        channel=channel_id,
        ts=ts,
        text=plain_text(text[:TEXT_MAX]) if isinstance(text, str) else "",
        author_id=author if isinstance(author, str) and _USER_ID.match(author) else None,
        author_name=_app_name(message),
    )


def plain_text(markup: str) -> str:
    """Slack's message markup as a person reads it: links as "label (url)", mentions as
    "@name" or "@U123", entities as their characters."""
    return unescape(_TOKEN.sub(_token_text, markup))


async def permalink(slack: AsyncWebClient, message: SavedMessage) -> str | None:
    """The message's link (`chat.getPermalink`, no scope), or None when Slack will not say."""
    try:
        async with asyncio.timeout(LOOKUP_TIMEOUT):
            response = await slack.chat_getPermalink(channel=message.channel, message_ts=message.ts)
    except Exception as error:  # best effort: the draft goes without the link
        log.info("chat.getPermalink failed (%s)", type(error).__name__)
        return None
    link = response.get("permalink")
    return link if isinstance(link, str) and link.startswith("https://") else None


def _token_text(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target[:1] in "@#":  # <@U123>, <#C123|general>
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S123|@team>, <!date^…|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def _app_name(message: dict[str, Any]) -> str | None:
    profile = message.get("bot_profile")
    for name in (
        message.get("username"),
        profile.get("name") if isinstance(profile, dict) else None,
    ):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None
