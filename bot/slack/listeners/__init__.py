"""Every Slack listener, wired by one `register_listeners(app, deps)` call."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.context import attach
from bot.slack.dependencies import Dependencies
from bot.slack.listeners import actions, commands, events, options, shortcuts, views


def register_listeners(app: AsyncApp, deps: Dependencies) -> None:
    app.use(attach(deps))
    commands.register(app)
    events.register(app)
    actions.register(app)
    shortcuts.register(app)
    views.register(app)
    options.register(app)
