from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from ...dependencies import Dependencies
from . import link_shared


def register(app: AsyncApp, deps: Dependencies) -> None:
    link_shared.register(app, deps)
