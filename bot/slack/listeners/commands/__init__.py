"""Slash commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners.commands.person import person_command


def register(app: AsyncApp) -> None:
    app.command("/person")(person_command)
