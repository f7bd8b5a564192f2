"""Fixtures for the Pipedrive client tests: a mocked origin, and a v2 and a v1 client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from bot.pipedrive import PipedriveClient

from .clients import ORIGIN, client_for


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=ORIGIN, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[PipedriveClient]:
    async with client_for("v2") as pipedrive:
        yield pipedrive


@pytest.fixture
async def v1_client() -> AsyncIterator[PipedriveClient]:
    async with client_for("v1") as pipedrive:
        yield pipedrive
