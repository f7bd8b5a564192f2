"""Events API events."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.listeners.events.app_home import app_home_opened
from bot.slack.listeners.events.entity_details import present_person_details
from bot.slack.listeners.events.link_shared import unfurl_person_links
from bot.slack.listeners.events.uninstalled import app_uninstalled, tokens_revoked


def register(app: AsyncApp) -> None:
    app.event("link_shared")(unfurl_person_links)
    app.event("entity_details_requested")(present_person_details)
    app.event("app_home_opened")(app_home_opened)
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
