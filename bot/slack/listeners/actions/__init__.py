from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.dependencies import Dependencies
from bot.slack.listeners.actions import open_in_pipedrive, refresh_person, share_person, show_person


def register(app: AsyncApp, deps: Dependencies) -> None:
    open_in_pipedrive.register(app, deps)
    show_person.register(app, deps)
    share_person.register(app, deps)
    refresh_person.register(app, deps)
