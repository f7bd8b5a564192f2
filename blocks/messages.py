"""Every answer other than a card, worded for the person who typed `/person`."""

from __future__ import annotations

import math

from bot.pipedrive.errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)

from .kit import context, section
from .message import Message
from .text import mrkdwn

ECHO_MAX = 100
REFERENCE_MAX = 64
BY_ID = "`/person 123`"
BY_LINK = "`/person https://acme.pipedrive.com/person/123`"
BY_SEARCH = "`/person Jane Smith`, `/person jane@acme.com` or `/person +372 555 1234`"


def usage_message() -> Message:
    return _notice(
        "*Look up a Pipedrive person*\n"
        f"• {BY_ID}: by person id\n"
        f"• {BY_LINK}: by a link to the person in Pipedrive\n"
        f"• {BY_SEARCH}: search by name, email or phone",
        hint="A number on its own is a person id. An email address finds exact matches only. "
        "Searches need at least 2 characters.",
    )


def invalid_input_message(text: str) -> Message:
    echo = text.strip()
    if not echo:
        return usage_message()
    return _notice(
        f"“{mrkdwn(echo, ECHO_MAX)}” is not a positive person id, a link to one of your "
        "company's Pipedrive persons, or a name, email or phone to search for.",
        hint=f"Try a person id, a Pipedrive person link or a search of at least 2 characters: "
        f"{BY_ID}, {BY_LINK} or `/person Jane Smith`.",
    )


def no_match_message(term: str) -> Message:
    return _notice(
        f":mag: No person matches “{mrkdwn(term, ECHO_MAX)}”.",
        hint="Search looks at names, email addresses and phone numbers; "
        "an email address must match in full.",
    )


def stale_button_message() -> Message:
    return _notice(
        ":warning: That button doesn't name a person I can show. "
        "Please run `/person` again to get a fresh list."
    )


def invalid_card_button_message() -> Message:
    return _notice(
        ":warning: That button doesn't name a person I can show. "
        "Please run `/person` again for a fresh card."
    )


def share_failed_message() -> Message:
    return _notice(
        ":warning: Slack didn't let me share the card in this conversation. "
        "Your card is still here; you can try again or copy the person's link."
    )


def not_found_message(person_id: int | None) -> Message:
    who = f"person {person_id}" if person_id is not None else "that person"
    return _notice(
        f":mag: I couldn't find {who} in Pipedrive. The id may be wrong, or the person was deleted."
    )


def auth_failed_message() -> Message:
    return _notice(
        ":lock: Pipedrive rejected the API token, so I can't look anyone up right now. "
        "Please ask a Slack or Pipedrive admin to check the `PIPEDRIVE_API_TOKEN` setting."
    )


def forbidden_message() -> Message:
    return _notice(
        ":no_entry: Pipedrive won't let me read this person: the API token may not have access "
        "to it, or the Pipedrive account is not open."
    )


def rate_limited_message(retry_after: float, *, daily_budget_spent: bool) -> Message:
    if daily_budget_spent:
        return _notice(
            ":hourglass: The company's daily Pipedrive API budget is used up. "
            "Please try again tomorrow, or ask an admin about the limit."
        )
    seconds = max(1, math.ceil(retry_after)) if math.isfinite(retry_after) else None
    when = f"in {seconds} s" if seconds is not None else "later"
    return _notice(f":hourglass: Pipedrive is busy right now. Please try again {when}.")


def unavailable_message() -> Message:
    return _notice(
        ":warning: Pipedrive is unavailable or too slow right now. Please try again in a moment."
    )


def unexpected_error_message(reference: str) -> Message:
    return _notice(
        ":warning: Sorry, something went wrong on my side. If it keeps happening, "
        f"give an admin this reference: `{mrkdwn(reference, REFERENCE_MAX)}`"
    )


def failure_message(error: Exception, *, person_id: int | None, reference: str) -> Message:
    """The answer for a failed lookup; anything unforeseen gets an apology and `reference`."""
    match error:
        case PersonNotFound():
            return not_found_message(error.person_id)
        case PipedriveNotFound():
            return not_found_message(person_id)
        case PipedriveAuthError():
            return auth_failed_message()
        case PipedriveForbidden():
            return forbidden_message()
        case PipedriveRateLimited():
            return rate_limited_message(
                error.retry_after, daily_budget_spent=error.daily_budget_spent
            )
        case PipedriveUnavailable():
            return unavailable_message()
        case _:
            return unexpected_error_message(reference)


def _notice(text: str, *, hint: str | None = None) -> Message:
    blocks = [section(text)]
    if hint is not None:
        blocks.append(context([hint]))
    return Message(text=text, blocks=blocks)
