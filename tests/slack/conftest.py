"""The Slack stand-in on loopback, for the tests of the Slack layer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from devkit import SlackStandIn


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn()
    await standin.start()
    yield standin
    await standin.stop()
