"""Button clicks: the card's buttons, the pick list's, and the write forms' link."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import (
    ADD_NOTE_ACTION_ID,
    CONNECT_ACTION_ID,
    DISCONNECT_ACTION_ID,
    FOLLOW_UP_ACTION_ID,
    OPEN_ACTION_ID,
    REFRESH_ACTION_ID,
    SHARE_ACTION_ID,
    SHOW_PERSON_ACTION_ID,
)
from bot.slack.listeners.actions.add_note import add_note
from bot.slack.listeners.actions.connect_pipedrive import connect_pipedrive
from bot.slack.listeners.actions.disconnect_pipedrive import disconnect_pipedrive
from bot.slack.listeners.actions.open_in_pipedrive import open_in_pipedrive
from bot.slack.listeners.actions.refresh_person import refresh_person
from bot.slack.listeners.actions.schedule_follow_up import schedule_follow_up
from bot.slack.listeners.actions.share_person import share_person
from bot.slack.listeners.actions.show_person import show_person


def register(app: AsyncApp) -> None:
    app.action(CONNECT_ACTION_ID)(connect_pipedrive)
    app.action(DISCONNECT_ACTION_ID)(disconnect_pipedrive)
    app.action(OPEN_ACTION_ID)(open_in_pipedrive)
    app.action(SHOW_PERSON_ACTION_ID)(show_person)
    app.action(SHARE_ACTION_ID)(share_person)
    app.action(REFRESH_ACTION_ID)(refresh_person)
    app.action(ADD_NOTE_ACTION_ID)(add_note)
    app.action(FOLLOW_UP_ACTION_ID)(schedule_follow_up)
