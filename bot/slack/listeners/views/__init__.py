"""Modal submissions: the write forms."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import FOLLOW_UP_FORM, NOTE_FORM, SAVE_MESSAGE_FORM
from bot.slack.listeners.views.follow_up_submitted import follow_up_submitted
from bot.slack.listeners.views.note_submitted import note_submitted
from bot.slack.listeners.views.saved_message_submitted import saved_message_submitted


def register(app: AsyncApp) -> None:
    app.view(NOTE_FORM)(note_submitted)
    app.view(FOLLOW_UP_FORM)(follow_up_submitted)
    app.view(SAVE_MESSAGE_FORM)(saved_message_submitted)
