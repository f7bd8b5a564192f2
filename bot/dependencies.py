"""What listeners are handed: the people service, the settings they need, the in-flight set."""

from __future__ import annotations

from dataclasses import dataclass

from .inflight import InFlight
from .people import PeopleService


@dataclass(frozen=True)
class Dependencies:
    people: PeopleService
    company_domain: str
    in_flight: InFlight
