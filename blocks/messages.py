"""Every answer other than a card, worded for the person who typed `/person`."""

from __future__ import annotations

import math

from bot.domain import Failure, FailureKind

from .kit import context, section
from .message import Message
from .text import mrkdwn

ECHO_MAX = 100
REFERENCE_MAX = 64
BY_ID = "`/person 123`"
BY_LINK = "`/person https://acme.pipedrive.com/person/123`"
BY_SEARCH = "`/person Jane Smith`, `/person jane@acme.com` or `/person +372 555 1234`"


def usage_message(*, connections: bool = False, setup: bool = False) -> Message:
    """`/person help`; with `connections` (PIPEDRIVE_AUTH=oauth) also the commands about one's
    own connection, with `setup` (many workspaces) the admins' `/person setup`."""
    lines = [
        "*Look up a Pipedrive person*",
        f"• {BY_ID}: by person id",
        f"• {BY_LINK}: by a link to the person in Pipedrive",
        f"• {BY_SEARCH}: search by name, email or phone",
    ]
    if connections:
        lines.append(
            "• `/person status`: whether you have connected Pipedrive, and as whom; "
            "`/person disconnect` removes your connection"
        )
    if setup:
        lines.append(
            "• `/person setup acme`: the Pipedrive company this workspace reads "
            "(acme.pipedrive.com), for workspace admins"
        )
    return _notice(
        "\n".join(lines),
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
        f":mag: I couldn't find {who} in Pipedrive, or it is not visible to you there. "
        "The id may be wrong, or the person was deleted."
    )


def not_connected_message() -> Message:
    return _notice(
        ":link: Connect your Pipedrive account first: run `/person` and use its "
        "*Connect Pipedrive* button."
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


def rate_limited_message(retry_after: float | None) -> Message:
    return _notice(
        f":hourglass: Pipedrive is busy right now. Please try again {in_about(retry_after)}."
    )


def bad_request_message() -> Message:
    return _notice(
        ":warning: Pipedrive refused that request as invalid, so I can't show this. "
        "If it keeps happening, please tell an admin."
    )


def missing_scope_message() -> Message:
    return _notice(f":lock: {MISSING_SCOPE}", hint=ADD_SCOPES)


def in_about(seconds: float | None) -> str:
    """ "in 3 s", "in 2 min", "in about an hour"; "in a moment" when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "in a moment"
    if seconds < 60:
        return f"in {max(1, math.ceil(seconds))} s"
    if seconds < 3600:
        return f"in {math.ceil(seconds / 60)} min"
    return "in about an hour" if seconds < 5400 else "later"


def unavailable_message() -> Message:
    return _notice(
        ":warning: Pipedrive is unavailable or too slow right now. Please try again in a moment."
    )


def unexpected_error_message(reference: str) -> Message:
    return _notice(
        ":warning: Sorry, something went wrong on my side. If it keeps happening, "
        f"give an admin this reference: `{mrkdwn(reference, REFERENCE_MAX)}`"
    )


def failure_message(failure: Failure) -> Message:
    """The answer for a failed lookup; a bug of ours gets an apology and its reference."""
    match failure.kind:
        case FailureKind.NOT_FOUND:
            return not_found_message(failure.person_id)
        case FailureKind.NOT_CONNECTED:
            return not_connected_message()
        case FailureKind.AUTH:
            return auth_failed_message()
        case FailureKind.FORBIDDEN:
            return forbidden_message()
        case FailureKind.RATE_LIMITED:
            return rate_limited_message(failure.retry_after)
        case FailureKind.UNAVAILABLE:
            return unavailable_message()
        case FailureKind.BAD_REQUEST:
            return bad_request_message()
        case FailureKind.MISSING_SCOPE:
            return missing_scope_message()
        case FailureKind.BUG:
            return unexpected_error_message(failure.reference or "unknown")


# Writing needs scopes reading does not: Pipedrive answers 403 "Scope and URL mismatch".
MISSING_SCOPE = (
    "The Pipedrive app I connect through may not write this: notes need its `contacts:full` "
    "scope, follow-ups `activities:full`."
)
ADD_SCOPES = (
    "A Pipedrive admin adds them to the app in Pipedrive's Developer Hub (its OAuth and access "
    "scopes); Pipedrive then asks everyone who connected to accept them, by reconnecting."
)


def write_failed_text(failure: Failure, what: str) -> str:
    """Plain text under the form's field (`what`: "note", "follow-up"): why Pipedrive did not
    save it, and whether it may have been saved all the same."""
    nothing = f"Nothing was saved; your {what} is still here."
    match failure.kind:
        case FailureKind.NOT_FOUND:
            return f"Pipedrive has no such person, or won't show them to you. {nothing}"
        case FailureKind.AUTH:
            return (
                "Pipedrive rejected the credentials I write with: please ask an admin to check "
                f"them. {nothing}"
            )
        case FailureKind.FORBIDDEN:
            return (
                f"Pipedrive won't let this account add a {what} here (permissions, or the "
                f"account is not open). {nothing}"
            )
        case FailureKind.MISSING_SCOPE:
            return f"{_plain(MISSING_SCOPE)} {_plain(ADD_SCOPES)} {nothing}"
        case FailureKind.RATE_LIMITED:
            return f"Pipedrive is busy. {nothing} Try again {in_about(failure.retry_after)}."
        case FailureKind.BAD_REQUEST:
            return f"Pipedrive refused this {what} as invalid. {nothing}"
        case FailureKind.UNAVAILABLE:
            return (
                f"Pipedrive did not confirm in time, so your {what} may or may not be saved: "
                "check the person in Pipedrive before sending it again."
            )
        case FailureKind.NOT_CONNECTED:
            return f"Connect your Pipedrive account first: run /person. {nothing}"
        case FailureKind.BUG:
            return (
                f"Sorry, something went wrong on my side; your {what} may not be saved. "
                f"Reference: {failure.reference or 'unknown'}"
            )


# What a form says under a field it cannot take (plain text: `response_action: errors`).
NOTE_EMPTY = "Write the note first."
PERSON_MISSING = "Pick the person to save this to: type 2 letters of a name, email or phone."
SUBJECT_EMPTY = "Give the follow-up a subject."
DATE_MISSING = "Pick a day."
DATE_PAST = "That day has passed: pick today or a later day."
TIME_PAST = "That time has passed today: pick a later time, or none for all day."
CHOICE_UNKNOWN = "Pick one of the choices offered."


def already_submitted_text(what: str) -> str:
    return f"This {what} was sent already, and is saved only once."


def expired_form_message() -> Message:
    return _notice(
        ":warning: I can't take this form: it has expired, or I didn't open it for you. "
        "Nothing was saved. Please open it again."
    )


def _plain(text: str) -> str:
    """Wording written for mrkdwn, for plain text: without the code marks."""
    return text.replace("`", "")


def _notice(text: str, *, hint: str | None = None) -> Message:
    blocks = [section(text)]
    if hint is not None:
        blocks.append(context([hint]))
    return Message(text=text, blocks=blocks)
