"""Opening the write forms: a "reading" modal at once (a trigger lasts 3 seconds), then the form
once Pipedrive and Slack have answered, or why it cannot be filled in.

Each returns the log's outcome word. What a form needs later (the user's time zone and name, the
activity types it offered) is kept in its session (`modal_sessions.py`), not in the view.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from blocks import (
    FOLLOW_UP_FORM,
    NOTE_FORM,
    SAVE_MESSAGE_FORM,
    View,
    failure_view,
    follow_up_form,
    loading_view,
    note_form,
    save_message_form,
)
from blocks.modals import message_note
from bot.cards.connections import NotConnected, Viewer
from bot.cards.lookup import outcome
from bot.cards.schedule import next_working_day, time_zone
from bot.cards.writes import Writes
from bot.domain import Failure, FailureKind, SearchHit
from bot.slack.dependencies import Dependencies
from bot.slack.modal_sessions import ModalSessions
from bot.slack.saved_message import SavedMessage, permalink
from bot.slack.users import SlackProfile, slack_profile
from bot.slack.views import open_view, update_view

OPENED = "form_opened"
REFUSED = "view_refused"


@dataclass(frozen=True)
class FormRequest:
    """A user asking for a form: who, with which trigger, and what opening it needs."""

    deps: Dependencies
    slack: AsyncWebClient
    trigger_id: str
    viewer: Viewer
    reference: str

    @property
    def user(self) -> str:
        return self.viewer.user_id

    async def open_reading(self, form: str) -> str | None:
        """The form's modal, reading for now: its view id, or None when Slack refused it."""
        return await open_view(
            self.slack, self.trigger_id, loading_view(form), reference=self.reference
        )

    async def show(self, view_id: str, view: View) -> str:
        await update_view(self.slack, view_id, view, reference=self.reference)
        return OPENED

    async def cannot_open(self, view_id: str, form: str, failure: Failure) -> str:
        await update_view(
            self.slack, view_id, failure_view(form, failure), reference=self.reference
        )
        return outcome(failure)

    def added_by(self, profile: SlackProfile, writes: Writes) -> str | None:
        """Whom a note will name at its end, when the writer cannot be told apart in Pipedrive."""
        return (profile.name or self.user) if writes.attribute else None


async def open_note_form(request: FormRequest, person_id: int) -> str:
    view_id = await request.open_reading(NOTE_FORM)
    if view_id is None:
        return REFUSED
    try:
        writes = await request.deps.writes_for(request.viewer)
    except NotConnected:
        return await request.cannot_open(view_id, NOTE_FORM, Failure(FailureKind.NOT_CONNECTED))
    person, profile = await asyncio.gather(
        writes.person(person_id, reference=request.reference),
        slack_profile(request.slack, request.user),
    )
    if isinstance(person, Failure):
        return await request.cannot_open(view_id, NOTE_FORM, person)
    session = await ModalSessions(request.deps.state).open(
        form=NOTE_FORM, user=request.user, person_id=person.id, user_name=profile.name
    )
    form = note_form(person, metadata=session.metadata, added_by=request.added_by(profile, writes))
    return await request.show(view_id, form)


async def open_follow_up_form(request: FormRequest, person_id: int) -> str:
    view_id = await request.open_reading(FOLLOW_UP_FORM)
    if view_id is None:
        return REFUSED
    try:
        writes = await request.deps.writes_for(request.viewer)
    except NotConnected:
        return await request.cannot_open(
            view_id, FOLLOW_UP_FORM, Failure(FailureKind.NOT_CONNECTED)
        )
    person, types, profile = await asyncio.gather(
        writes.person(person_id, reference=request.reference),
        writes.activity_types(reference=request.reference),
        slack_profile(request.slack, request.user),
    )
    if isinstance(person, Failure):
        return await request.cannot_open(view_id, FOLLOW_UP_FORM, person)
    if isinstance(types, Failure):
        return await request.cannot_open(view_id, FOLLOW_UP_FORM, types)
    session = await ModalSessions(request.deps.state).open(
        form=FOLLOW_UP_FORM,
        user=request.user,
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
    return await request.show(view_id, form)


async def open_save_form(request: FormRequest, message: SavedMessage) -> str:
    view_id = await request.open_reading(SAVE_MESSAGE_FORM)
    if view_id is None:
        return REFUSED
    try:
        writes = await request.deps.writes_for(request.viewer)
    except NotConnected:
        failure = Failure(FailureKind.NOT_CONNECTED)
        return await request.cannot_open(view_id, SAVE_MESSAGE_FORM, failure)
    slack = request.slack
    author_profile = slack_profile(slack, message.author_id) if message.author_id else _nobody()
    profile, author, link, match = await asyncio.gather(
        slack_profile(slack, request.user),
        author_profile,
        permalink(slack, message),
        _only_match(request.deps, message, request.viewer, request.reference),
    )
    session = await ModalSessions(request.deps.state).open(
        form=SAVE_MESSAGE_FORM,
        user=request.user,
        time_zone=profile.time_zone,
        user_name=profile.name,
    )
    posted = message.posted_at.astimezone(time_zone(profile.time_zone))
    draft = message_note(
        author=author.name or message.author_name or message.author_id or "Someone",
        posted=posted.strftime("%a %d %b %Y %H:%M %Z"),
        text=message.text,
        link=link,
    )
    form = save_message_form(
        note=draft,
        person=match,
        metadata=session.metadata,
        added_by=request.added_by(profile, writes),
    )
    return await request.show(view_id, form)


async def _only_match(
    deps: Dependencies, message: SavedMessage, viewer: Viewer, reference: str
) -> SearchHit | None:
    """The person whose email address the message has, when it has one and one person has it."""
    addresses = message.email_addresses()
    if len(addresses) != 1:
        return None
    found = await deps.lookup.people(addresses[0], viewer, exact=True, reference=reference)
    return found[0] if not isinstance(found, Failure) and len(found) == 1 else None


async def _nobody() -> SlackProfile:
    return SlackProfile()
