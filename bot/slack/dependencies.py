"""What listeners are handed (through Bolt's context): the use case and what delivery needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from blocks import HomeSettings
from bot.cards.connections import Connections, Viewer
from bot.cards.lookup import Lookup
from bot.cards.readers import Readers
from bot.cards.writes import Writes
from bot.slack.access import Access
from bot.slack.inflight import InFlight
from bot.slack.unfurl_details import UnfurlDetails
from bot.store.shared_state import SharedState


@dataclass(frozen=True)
class Dependencies:
    lookup: Lookup
    company_domain: str
    in_flight: InFlight
    unfurl_details: UnfurlDetails
    state: SharedState  # in-process, or shared by every process through Redis
    access: Access  # guests and ALLOWED_USERGROUP
    # Whose Pipedrive access reads and writes for a viewer: one shared token, or their own.
    readers: Readers
    home: HomeSettings  # what the Home tab says of the settings
    unfurl_style: Literal["work_object", "blocks"] = "work_object"
    # PIPEDRIVE_AUTH=oauth: each user's connection; None with one shared API token.
    connections: Connections | None = None

    async def writes_for(self, viewer: Viewer) -> Writes:
        """Who writes to Pipedrive for this viewer: with one API token, the app for everyone;
        in oauth mode the viewer as themselves (raises `NotConnected` without a connection)."""
        return (await self.readers.for_viewer(viewer)).writes
