"""What listeners are handed (through Bolt's context): the use case and what delivery needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cards.lookup import Lookup
from bot.cards.writes import Writes
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
    writes: Writes  # notes and follow-ups, with the app's Pipedrive credentials

    def writes_for(self, slack_user: str) -> Writes:
        """Who writes to Pipedrive for this Slack user: with the API token, the app for all."""
        return self.writes
