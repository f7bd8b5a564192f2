"""Opening the write forms: a "reading" modal at once (a trigger lasts 3 seconds), then the form
once Pipedrive and Slack have answered, or why it cannot be filled in.

Each returns the log's outcome word. What a form needs later (the user's time zone and name, the
activity types it offered) is kept in its session (`modal_sessions.py`), not in the view.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from blocks import (
    FOLLOW_UP_FORM,
    NOTE_FORM,
    SAVE_MESSAGE_FORM,
    failure_view,
    follow_up_form,
    loading_view,
    note_form,
    save_message_form,
)
from blocks.modals import message_note
from bot.cards.lookup import outcome
from bot.cards.schedule import next_working_day, time_zone
from bot.domain import Failure, SearchHit
from bot.slack.dependencies import Dependencies
from bot.slack.modal_sessions import ModalSessions
from bot.slack.saved_message import SavedMessage, permalink
from bot.slack.users import SlackProfile, slack_profile
from bot.slack.views import open_view, update_view

OPENED = "form_opened"


async def open_note_form(
    deps: Dependencies,
    slack: AsyncWebClient,
    *,
    trigger_id: str,
    person_id: int,
    user: str,
    reference: str,
) -> str:
    view_id = await open_view(slack, trigger_id, loading_view(NOTE_FORM), reference=reference)
    if view_id is None:
        return "view_refused"
    writes = deps.writes_for(user)
    person, profile = await asyncio.gather(
        writes.person(person_id, reference=reference), slack_profile(slack, user)
    )
    if isinstance(person, Failure):
        return await _cannot_open(slack, view_id, NOTE_FORM, person, reference)
    session = await ModalSessions(deps.state).open(
        form=NOTE_FORM, user=user, person_id=person.id, user_name=profile.name
    )
    added_by = (profile.name or user) if writes.attribute else None
    form = note_form(person, metadata=session.metadata, added_by=added_by)
    await update_view(slack, view_id, form, reference=reference)
    return OPENED


async def open_follow_up_form(
    deps: Dependencies,
    slack: AsyncWebClient,
    *,
    trigger_id: str,
    person_id: int,
    user: str,
    reference: str,
) -> str:
    loading = loading_view(FOLLOW_UP_FORM)
    view_id = await open_view(slack, trigger_id, loading, reference=reference)
    if view_id is None:
        return "view_refused"
    writes = deps.writes_for(user)
    person, types, profile = await asyncio.gather(
        writes.person(person_id, reference=reference),
        writes.activity_types(reference=reference),
        slack_profile(slack, user),
    )
    if isinstance(person, Failure):
        return await _cannot_open(slack, view_id, FOLLOW_UP_FORM, person, reference)
    if isinstance(types, Failure):
        return await _cannot_open(slack, view_id, FOLLOW_UP_FORM, types, reference)
    session = await ModalSessions(deps.state).open(
        form=FOLLOW_UP_FORM,
        user=user,
        person_id=person.id,
        time_zone=profile.time_zone,
        user_name=profile.name,
        activity_types=types,
    )
    today = datetime.now(UTC).astimezone(time_zone(profile.time_zone)).date()
    form = follow_up_form(
        person,
        types=types,
        due_date=next_working_day(today),
        time_zone=profile.time_zone or "UTC",
        metadata=session.metadata,
    )
    await update_view(slack, view_id, form, reference=reference)
    return OPENED


async def open_save_form(
    deps: Dependencies,
    slack: AsyncWebClient,
    *,
    trigger_id: str,
    message: SavedMessage,
    user: str,
    reference: str,
) -> str:
    loading = loading_view(SAVE_MESSAGE_FORM)
    view_id = await open_view(slack, trigger_id, loading, reference=reference)
    if view_id is None:
        return "view_refused"
    author_profile = slack_profile(slack, message.author_id) if message.author_id else _nobody()
    profile, author, link, match = await asyncio.gather(
        slack_profile(slack, user),
        author_profile,
        permalink(slack, message),
        _only_match(deps, message, reference),
    )
    session = await ModalSessions(deps.state).open(
        form=SAVE_MESSAGE_FORM, user=user, time_zone=profile.time_zone, user_name=profile.name
    )
    posted = message.posted_at.astimezone(time_zone(profile.time_zone))
    draft = message_note(
        author=author.name or message.author_name or message.author_id or "Someone",
        posted=posted.strftime("%a %d %b %Y %H:%M %Z"),
        text=message.text,
        link=link,
    )
    added_by = (profile.name or user) if deps.writes_for(user).attribute else None
    form = save_message_form(note=draft, person=match, metadata=session.metadata, added_by=added_by)
    await update_view(slack, view_id, form, reference=reference)
    return OPENED


async def _cannot_open(
    slack: AsyncWebClient, view_id: str, form: str, failure: Failure, reference: str
) -> str:
    await update_view(slack, view_id, failure_view(form, failure), reference=reference)
    return outcome(failure)


async def _only_match(
    deps: Dependencies, message: SavedMessage, reference: str
) -> SearchHit | None:
    """The person whose email address the message has, when it has one and one person has it."""
    addresses = message.email_addresses()
    if len(addresses) != 1:
        return None
    found = await deps.lookup.people(addresses[0], exact=True, reference=reference)
    return found[0] if not isinstance(found, Failure) and len(found) == 1 else None


async def _nobody() -> SlackProfile:
    return SlackProfile()
