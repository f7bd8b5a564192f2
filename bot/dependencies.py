"""What listeners are handed: the services, the company domain, the in-flight set."""

from __future__ import annotations

from dataclasses import dataclass

from .inflight import InFlight
from .people import PeopleService
from .search import PeopleSearch
from .unfurl_detail import UnfurlDetails


@dataclass(frozen=True)
class Dependencies:
    people: PeopleService
    search: PeopleSearch
    company_domain: str
    in_flight: InFlight
    unfurl_details: UnfurlDetails
