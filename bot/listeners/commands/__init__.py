from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from ...dependencies import Dependencies
from . import person


def register(app: AsyncApp, deps: Dependencies) -> None:
    person.register(app, deps)
