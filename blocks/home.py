"""The app's Home tab: how to use it, the Pipedrive company it reads, the privacy settings in
effect in plain words, and (per-user access) the viewer's own connection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .connect import CONNECT_ACTION_ID
from .kit import Block, actions, button, context, header, link_button, section
from .messages import BY_ID, BY_LINK, BY_SEARCH
from .text import mrkdwn

DISCONNECT_ACTION_ID = "disconnect_pipedrive"
NAME_MAX = 150


@dataclass(frozen=True)
class HomeSettings:
    """What an admin chose, as the Home tab explains it."""

    company_domain: str
    per_user: bool  # PIPEDRIVE_AUTH=oauth
    unfurl_detail: Literal["full", "compact", "off"]
    unfurl_external: Literal["compact", "full"]
    unfurl_channels: frozenset[str] | None
    share_external: Literal["compact", "full"]
    allowed_usergroup: str | None
    allow_guests: bool


def home_view(
    settings: HomeSettings, *, connected_as: str | None = None, connect_url: str | None = None
) -> dict[str, Any]:
    """The Home tab for one viewer: `connected_as` their Pipedrive name (per-user access),
    `connect_url` when they have not connected."""
    # No company yet: a workspace of a many-workspace install is bound by its first connection.
    company = (
        f"*{mrkdwn(settings.company_domain, NAME_MAX)}.pipedrive.com*"
        if settings.company_domain
        else "your Pipedrive company"
    )
    blocks: list[Block] = [
        header("Pipedrive Person Card"),
        section(
            f"Look up people of {company} without leaving Slack:\n"
            f"• {BY_ID} or {BY_LINK}\n• {BY_SEARCH}\n"
            "• Paste a person's Pipedrive link in any conversation for a preview."
        ),
        section("*Your access*\n" + _access(settings, connected_as)),
    ]
    if settings.per_user and connected_as is not None:
        blocks.append(actions([button("Disconnect", action_id=DISCONNECT_ACTION_ID, value="me")]))
    elif settings.per_user and connect_url is not None:
        blocks.append(
            actions(
                [
                    link_button(
                        "Connect Pipedrive",
                        action_id=CONNECT_ACTION_ID,
                        url=connect_url,
                        value="connect",
                    )
                ]
            )
        )
    blocks.append(section("*Privacy settings in effect*\n" + "\n".join(_privacy(settings))))
    blocks.append(context(["Answers to `/person` are only ever shown to you."]))
    return {"type": "home", "blocks": blocks}


def _access(settings: HomeSettings, connected_as: str | None) -> str:
    if not settings.per_user:
        return (
            "The app reads Pipedrive with one shared account: everyone here sees what that "
            "account may see."
        )
    if connected_as is None:
        return "You have not connected your Pipedrive account yet."
    name = mrkdwn(connected_as, NAME_MAX)
    return f"Connected as *{name}*: cards show what your Pipedrive shows you."


def _privacy(settings: HomeSettings) -> list[str]:
    previews = {
        "full": "show the whole card (emails, phones, activities, deals, custom fields)",
        "compact": "show only the name, owner and organization",
        "off": "are turned off",
    }[settings.unfurl_detail]
    lines = [f"• Link previews {previews}."]
    if settings.unfurl_detail != "off":
        outside = "the whole card too" if settings.unfurl_external == "full" else "compact"
        lines.append(
            f"• In channels shared with another organization, previews are {outside}; "
            "direct messages are treated as shared."
        )
        if settings.unfurl_channels is not None:
            lines.append(f"• Previews only in {len(settings.unfurl_channels)} chosen channel(s).")
    share = "the whole card" if settings.share_external == "full" else "compact"
    lines.append(f"• *Share in channel* into a channel shared with another organization: {share}.")
    if settings.allowed_usergroup is not None:
        lines.append("• Only members of one Slack user group may use the app.")
    if not settings.per_user:
        guests = "may" if settings.allow_guests else "may not"
        lines.append(f"• Guests {guests} look people up.")
    return lines
