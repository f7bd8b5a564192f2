from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.dependencies import Dependencies
from bot.slack.listeners.events import link_shared


def register(app: AsyncApp, deps: Dependencies) -> None:
    link_shared.register(app, deps)
