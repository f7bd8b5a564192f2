"""What listeners are handed: the people and search services, settings, the in-flight set."""

from __future__ import annotations

from dataclasses import dataclass

from .inflight import InFlight
from .people import PeopleService
from .search import PeopleSearch


@dataclass(frozen=True)
class Dependencies:
    people: PeopleService
    search: PeopleSearch
    company_domain: str
    in_flight: InFlight
