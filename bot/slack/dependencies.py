"""What listeners are handed (through Bolt's context): the use case and what delivery needs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

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
    # The Pipedrive company links and answers belong to; with many workspaces, the one the
    # request's workspace is bound to ("" until a member connects): see `in_workspace`.
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
    # Many workspaces: each workspace's bot token (slack_sdk's store); None with one workspace.
    installations: AsyncInstallationStore | None = None

    @property
    def serves_many_workspaces(self) -> bool:
        """Each workspace reads its own Pipedrive company (SLACK_CLIENT_ID is set)."""
        return self.connections is not None and self.connections.company_domain is None

    async def in_workspace(self, team_id: str) -> Dependencies:
        """These dependencies as one workspace sees them: its own company's domain."""
        if self.connections is None or not self.serves_many_workspaces:
            return self
        domain = await self.connections.company_of(team_id) or ""
        home = dataclasses.replace(self.home, company_domain=domain)
        return dataclasses.replace(self, company_domain=domain, home=home)

    async def writes_for(self, viewer: Viewer) -> Writes:
        """Who writes to Pipedrive for this viewer: with one API token, the app for everyone;
        in oauth mode the viewer as themselves (raises `NotConnected` without a connection)."""
        return (await self.readers.for_viewer(viewer)).writes
