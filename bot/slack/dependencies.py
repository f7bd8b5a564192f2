"""What listeners are handed: the services, the company domain, the in-flight set."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.slack.inflight import InFlight
from bot.slack.unfurl_details import UnfurlDetails


@dataclass(frozen=True)
class Dependencies:
    people: PeopleService
    search: PeopleSearch
    company_domain: str
    in_flight: InFlight
    unfurl_details: UnfurlDetails
