"""Options for external selects (`block_suggestion`): the person picker."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from blocks import PERSON_PICKER
from bot.slack.listeners.options.person_picker import person_suggestions


def register(app: AsyncApp) -> None:
    app.options(PERSON_PICKER)(person_suggestions)
