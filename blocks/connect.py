"""What a user of PIPEDRIVE_AUTH=oauth sees about their own connection to Pipedrive."""

from __future__ import annotations

from typing import Literal

from .kit import actions, context, link_button, section
from .message import Message
from .text import mrkdwn

CONNECT_ACTION_ID = "connect_pipedrive"
NAME_MAX = 150
CONNECT_HINT = "The link works once, for 10 minutes. Your answer follows here once you connect."


def connect_message(url: str) -> Message:
    """Asked of someone who has not connected: nothing was read from Pipedrive for them."""
    text = (
        ":link: *Connect your Pipedrive account* to look people up here. Cards then show "
        "exactly what your own Pipedrive shows you; nobody else's access is used."
    )
    return Message(
        text="Connect your Pipedrive account to look people up.",
        blocks=[
            section(text),
            actions(
                [
                    link_button(
                        "Connect Pipedrive", action_id=CONNECT_ACTION_ID, url=url, value="connect"
                    )
                ]
            ),
            context([CONNECT_HINT]),
        ],
    )


def status_message(user_name: str | None, company_domain: str) -> Message:
    if user_name is None:
        text = (
            ":white_circle: You have not connected Pipedrive. `/person <anything>` offers the "
            "Connect button."
        )
    else:
        text = (
            f":large_green_circle: Connected to {mrkdwn(company_domain, NAME_MAX)}.pipedrive.com "
            f"as *{mrkdwn(user_name, NAME_MAX)}*. `/person disconnect` removes the connection."
        )
    return Message(text=text, blocks=[section(text)])


def disconnected_message(was_connected: bool) -> Message:
    text = (
        ":wave: Disconnected: the app no longer holds your Pipedrive tokens."
        if was_connected
        else "You were not connected to Pipedrive; there was nothing to remove."
    )
    return Message(text=text, blocks=[section(text)])


def connected_message(user_name: str, company_domain: str) -> Message:
    text = (
        f":white_check_mark: Connected to {mrkdwn(company_domain, NAME_MAX)}.pipedrive.com as "
        f"*{mrkdwn(user_name, NAME_MAX)}*."
    )
    return Message(text=text, blocks=[section(text)])


def foreign_company_message(company_domain: str | None) -> Message:
    """A connection refused because the account belongs to another Pipedrive company than the
    one this workspace reads (`company_domain`, None if it cannot be named)."""
    company = (
        f"{mrkdwn(company_domain, NAME_MAX)}.pipedrive.com"
        if company_domain
        else "the Pipedrive company this workspace reads"
    )
    text = (
        f":no_entry: Not connected: that Pipedrive account belongs to another company. This "
        f"workspace reads {company}; log in to Pipedrive with your account there and run "
        "`/person` again."
    )
    return Message(text=text, blocks=[section(text)])


_REFUSALS = {
    "guest": ":no_entry: Guests can't look up Pipedrive people here: the app reads with one "
    "shared Pipedrive account. Ask a workspace admin if you need access.",
    "not_in_group": ":no_entry: This app is limited to a Slack user group you are not in. "
    "Ask a workspace admin if you need access.",
    "unverified": ":no_entry: I couldn't check with Slack whether you may use this app, so I "
    "didn't look anyone up. Please try again later, or ask an admin.",
}


def access_refused_message(reason: Literal["guest", "not_in_group", "unverified"]) -> Message:
    """For someone the app's access rules keep out: guests, people outside the user group."""
    text = _REFUSALS[reason]
    return Message(text=text, blocks=[section(text)])


def shared_token_message() -> Message:
    text = (
        "This app reads Pipedrive with one shared account (PIPEDRIVE_AUTH=api_token): there is "
        "no personal connection to show or remove."
    )
    return Message(text=text, blocks=[section(text)])


SetupOutcome = Literal["usage", "fixed", "not_admin", "bound", "already_bound"]


def setup_message(outcome: SetupOutcome, company_domain: str | None = None) -> Message:
    """The answer to `/person setup <company>`: `company_domain` is the company the workspace
    reads now (for "fixed", "bound" and "already_bound")."""
    company = f"{mrkdwn(company_domain or '', NAME_MAX)}.pipedrive.com"
    text = {
        "usage": ":information_source: `/person setup acme` makes this workspace read "
        "acme.pipedrive.com: links to it unfurl, and members connect their own accounts of that "
        "company. Give your company's subdomain (acme for acme.pipedrive.com). For workspace "
        "admins and owners; without it, the first member to connect decides.",
        "fixed": f"This app reads {company}, set by its PIPEDRIVE_COMPANY_DOMAIN setting: there "
        "is nothing to set up here.",
        "not_admin": ":no_entry: Only a workspace admin or owner can set which Pipedrive "
        "company this workspace reads.",
        "bound": f":white_check_mark: This workspace reads {company}: links to it unfurl, and "
        "members connect their own accounts of that company with `/person`.",
        "already_bound": f":no_entry: This workspace already reads {company}, and its members' "
        "connections belong to that company. To read another, uninstall the app from this "
        "workspace (which forgets them) and install it again.",
    }[outcome]
    return Message(text=text, blocks=[section(text)])
