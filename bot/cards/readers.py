"""Whose Pipedrive access reads for a viewer: the one shared API token, or their own OAuth token.

A `Reader` is the people service and search bound to one credential, caches included, so a
record read with one user's token is only ever served to that user. With PIPEDRIVE_AUTH=oauth
each connected Slack user gets their own reader (kept for the most recent users, rebuilt
when needed); without a connection, `NotConnected` asks them to connect.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.cards.connections import Connections, NotConnected, Viewer
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.writes import Writes
from bot.store.connections import PipedriveConnection

# Readers kept for the most recently active users; each holds that user's caches.
READERS_KEPT = 500


@dataclass(frozen=True)
class Reader:
    people: PeopleService
    search: PeopleSearch
    writes: Writes  # notes and follow-ups with the same credential


class Readers(Protocol):
    async def for_viewer(self, viewer: Viewer) -> Reader:
        """The viewer's reader; raises `NotConnected` when they have no Pipedrive access."""
        ...


class SharedReader:
    """PIPEDRIVE_AUTH=api_token: one reader, with the shared token, for everyone."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def for_viewer(self, viewer: Viewer) -> Reader:
        return self.reader


class UserReaders:
    """PIPEDRIVE_AUTH=oauth: each viewer reads with their own connection."""

    def __init__(
        self,
        connections: Connections,
        make_reader: Callable[[PipedriveConnection], Reader],
        *,
        kept: int = READERS_KEPT,
    ) -> None:
        self._connections = connections
        self._make_reader = make_reader
        self._kept = kept
        self._readers: OrderedDict[tuple[str, str, int], Reader] = OrderedDict()

    async def for_viewer(self, viewer: Viewer) -> Reader:
        connection = await self._connections.connection(viewer)
        if connection is None:
            raise NotConnected(viewer)
        # Keyed by the Pipedrive user too: a user who reconnects as someone else starts afresh.
        key = (viewer.team_id, viewer.user_id, connection.pipedrive_user_id)
        reader = self._readers.get(key)
        if reader is None:
            reader = self._make_reader(connection)
            self._readers[key] = reader
            while len(self._readers) > self._kept:
                self._readers.popitem(last=False)
        self._readers.move_to_end(key)
        return reader

    def forget(self, viewer: Viewer) -> None:
        """Drop the viewer's reader and its caches (after a disconnect)."""
        for key in [key for key in self._readers if key[:2] == (viewer.team_id, viewer.user_id)]:
            del self._readers[key]
