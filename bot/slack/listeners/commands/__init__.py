from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.dependencies import Dependencies
from bot.slack.listeners.commands import person


def register(app: AsyncApp, deps: Dependencies) -> None:
    person.register(app, deps)
