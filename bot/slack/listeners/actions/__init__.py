"""Button clicks: the card's buttons and the pick list's."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import OPEN_ACTION_ID, REFRESH_ACTION_ID, SHARE_ACTION_ID, SHOW_PERSON_ACTION_ID
from bot.slack.listeners.actions.open_in_pipedrive import open_in_pipedrive
from bot.slack.listeners.actions.refresh_person import refresh_person
from bot.slack.listeners.actions.share_person import share_person
from bot.slack.listeners.actions.show_person import show_person


def register(app: AsyncApp) -> None:
    app.action(OPEN_ACTION_ID)(open_in_pipedrive)
    app.action(SHOW_PERSON_ACTION_ID)(show_person)
    app.action(SHARE_ACTION_ID)(share_person)
    app.action(REFRESH_ACTION_ID)(refresh_person)
