"""Taking a submitted write form: answered in the submission's own ack, within Slack's 3 seconds.

A form the app did not open for this user is refused (the modal says so; nothing is written).
A form that cannot be taken as filled in stays open with the problem under its field. Otherwise
the submission claims its session's attempt (exactly once: a repeat of it writes nothing) and
the write goes to Pipedrive. Done: the modal says so, with a link to the person. Refused: the
form stays open, the text as typed, the reason under the field; a write Pipedrive refused
outright may be sent again, one that may have landed (no answer in time) may not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from blocks import (
    FOLLOW_UP_FORM,
    NOTE_BLOCK,
    NOTE_FORM,
    SAVE_MESSAGE_FORM,
    SUBJECT_BLOCK,
    already_submitted_text,
    expired_view,
    follow_up_scheduled_view,
    note_added_view,
    write_failed_text,
)
from bot.cards.connections import NotConnected, Viewer
from bot.cards.lookup import outcome
from bot.domain import Failure, FailureKind
from bot.slack.dependencies import Dependencies
from bot.slack.form_input import follow_up, note_text, picked_person
from bot.slack.modal_sessions import ModalSession, ModalSessions

# Pipedrive said no: nothing was written, so the form may be sent again.
_NOTHING_WRITTEN = frozenset(FailureKind) - {FailureKind.UNAVAILABLE, FailureKind.BUG}


@dataclass(frozen=True)
class Reply:
    """The submission's ack (`response_action` and its view or errors), the log's word, and
    the person written on (or to be), for the log."""

    ack: dict[str, Any]
    outcome: str
    person_id: int | None = None


async def take_note(
    deps: Dependencies, view: dict[str, Any], *, viewer: Viewer, reference: str
) -> Reply:
    """The note form (its person fixed when it opened)."""
    sessions = ModalSessions(deps.state)
    session = await _opened(sessions, view, viewer.user_id, person_fixed=True)
    if session is None or session.person_id is None:
        return _refused(NOTE_FORM)
    text = note_text(view)
    if isinstance(text, dict):
        return _errors(text)
    return await _write_note(deps, viewer, sessions, session, session.person_id, text, reference)


async def take_saved_message(
    deps: Dependencies, view: dict[str, Any], *, viewer: Viewer, reference: str
) -> Reply:
    """The "Save to Pipedrive" form: the person picked in it, the note as edited."""
    sessions = ModalSessions(deps.state)
    session = await _opened(sessions, view, viewer.user_id, person_fixed=False)
    if session is None:
        return _refused(SAVE_MESSAGE_FORM)
    person_id, text = picked_person(view), note_text(view)
    if isinstance(person_id, dict) or isinstance(text, dict):
        return _errors({**_problems(person_id), **_problems(text)})
    return await _write_note(deps, viewer, sessions, session, person_id, text, reference)


async def take_follow_up(
    deps: Dependencies, view: dict[str, Any], *, viewer: Viewer, reference: str
) -> Reply:
    sessions = ModalSessions(deps.state)
    session = await _opened(sessions, view, viewer.user_id, person_fixed=True)
    if session is None:
        return _refused(FOLLOW_UP_FORM)
    activity = follow_up(view, session, now=datetime.now(UTC))
    if isinstance(activity, dict):
        return _errors(activity)
    if not await sessions.claim(session):
        already = {SUBJECT_BLOCK: already_submitted_text("follow-up")}
        return _errors(already, "duplicate_submission", activity.person_id)
    try:
        writes = await deps.writes_for(viewer)
    except NotConnected:
        return await _failed(
            sessions, session, Failure(FailureKind.NOT_CONNECTED), SUBJECT_BLOCK, "follow-up"
        )
    written = await writes.schedule_follow_up(activity, reference=reference)
    if isinstance(written, Failure):
        return await _failed(sessions, session, written, SUBJECT_BLOCK, "follow-up")
    done = follow_up_scheduled_view(
        written.person,
        activity,
        type_name=session.activity_types.get(activity.type or ""),
        company_domain=deps.company_domain,
    )
    return _done(done, "follow_up_scheduled", written.person.id)


async def _opened(
    sessions: ModalSessions, view: dict[str, Any], user: str, *, person_fixed: bool
) -> ModalSession | None:
    """The session of a form the app opened for `user`, its person fixed or to be picked."""
    session = await sessions.find(view, user=user)
    if session is None or (session.person_id is not None) != person_fixed:
        return None
    return session


async def _write_note(
    deps: Dependencies,
    viewer: Viewer,
    sessions: ModalSessions,
    session: ModalSession,
    person_id: int,
    text: str,
    reference: str,
) -> Reply:
    if not await sessions.claim(session):
        already = {NOTE_BLOCK: already_submitted_text("note")}
        return _errors(already, "duplicate_submission", person_id)
    try:
        writes = await deps.writes_for(viewer)
    except NotConnected:
        failure = Failure(FailureKind.NOT_CONNECTED, person_id=person_id)
        return await _failed(sessions, session, failure, NOTE_BLOCK, "note")
    written = await writes.add_note(
        person_id=person_id,
        text=text,
        author=session.user_name or session.user,
        reference=reference,
    )
    if isinstance(written, Failure):
        return await _failed(sessions, session, written, NOTE_BLOCK, "note")
    done = note_added_view(written.person, company_domain=deps.company_domain)
    return _done(done, "note_added", written.person.id)


async def _failed(
    sessions: ModalSessions, session: ModalSession, failure: Failure, block: str, what: str
) -> Reply:
    if failure.kind in _NOTHING_WRITTEN:
        await sessions.allow_another_try(session)
    said = {block: write_failed_text(failure, what)}
    return _errors(said, outcome(failure), failure.person_id)


def _done(view: dict[str, Any], word: str, person_id: int) -> Reply:
    return Reply({"response_action": "update", "view": view}, word, person_id)


def _errors(
    errors: dict[str, str], word: str = "invalid_input", person_id: int | None = None
) -> Reply:
    return Reply({"response_action": "errors", "errors": errors}, word, person_id)


def _refused(form: str) -> Reply:
    return Reply({"response_action": "update", "view": expired_view(form)}, "not_opened_by_app")


def _problems(parsed: object) -> dict[str, str]:
    return parsed if isinstance(parsed, dict) else {}
