"""Shortcuts: "Save to Pipedrive" on a message."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import SAVE_MESSAGE_FORM
from bot.slack.listeners.shortcuts.save_to_pipedrive import save_to_pipedrive


def register(app: AsyncApp) -> None:
    app.shortcut(SAVE_MESSAGE_FORM)(save_to_pipedrive)
