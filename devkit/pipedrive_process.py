"""A Pipedrive stand-in in a process of its own.

Pipedrive counts a request in its burst window when the request arrives. A stand-in that shares
its process (and so its interpreter lock) with busy threads, such as a test's command senders or
the benchmark's load, gets to some requests late and stamps them together, counting as over the
limit requests that were not. In a process of its own it stamps each one as it arrives. The
parent asks it for what it saw over a pipe.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from devkit.pipedrive import PipedriveStandIn, SeenRequest

START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Counts:
    requests: int  # every request that arrived
    over_limit: int  # the ones the burst window refused (429)


@dataclass(frozen=True)
class _Settings:
    token: str
    first: int
    people: int
    burst_limit: int
    latency: float
    own_organizations: bool


class PipedriveProcess:
    """`PipedriveProcess(token=..., ...).start()`, then point `PIPEDRIVE_API_URL` at `.url`.

    Serves `people` copies of sample person 1 from id `first` on (each with an organization of
    its own, unless `own_organizations` is false), answers after `latency` seconds, and keeps a
    window of `burst_limit` requests per 2 s per token. Reads what it saw as the in-process
    stand-in does: `requests_from`, `tokens`, `over_limit`, `arrived_within`.
    """

    def __init__(
        self,
        *,
        token: str,
        first: int,
        people: int,
        burst_limit: int,
        latency: float = 0.0,
        own_organizations: bool = True,
    ) -> None:
        self.token = token
        settings = _Settings(token, first, people, burst_limit, latency, own_organizations)
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, settings), daemon=True)
        self.url = ""

    def start(self) -> PipedriveProcess:
        self._process.start()
        if not self._pipe.poll(START_TIMEOUT_SECONDS):
            self._process.kill()
            raise RuntimeError("the Pipedrive stand-in's process did not start")
        self.url = self._pipe.recv()
        return self

    def counts(self) -> Counts:
        return Counts(requests=self.request_count(), over_limit=self.over_limit())

    def request_count(self) -> int:
        """Requests that arrived so far."""
        count: int = self._ask("request_count")
        return count

    def requests_from(self, start: int, end: int | None = None) -> list[SeenRequest]:
        """The requests numbered `start` up to `end` (all later ones with None), in order."""
        seen: list[SeenRequest] = self._ask("requests_from", start, end)
        return seen

    def tokens(self, since: int = 0) -> int:
        """Tokens Pipedrive would have charged for the requests from number `since` on."""
        tokens: int = self._ask("tokens", since)
        return tokens

    def over_limit(self, since: int = 0) -> int:
        """Requests from number `since` on that the burst window refused (429)."""
        over: int = self._ask("over_limit", since)
        return over

    def arrived_within(self, seconds: float) -> int:
        """Requests that arrived in the last `seconds`."""
        arrived: int = self._ask("arrived_within", seconds)
        return arrived

    def stop(self) -> None:
        if self._process.is_alive():
            self._pipe.send(("stop",))
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _ask(self, *command: Any) -> Any:
        self._pipe.send(command)
        return self._pipe.recv()


def _serve(pipe: Connection, settings: _Settings) -> None:
    asyncio.run(_serve_until_stopped(pipe, settings))


async def _serve_until_stopped(pipe: Connection, settings: _Settings) -> None:
    standin = PipedriveStandIn(
        token=settings.token, latency=settings.latency, burst_limit=settings.burst_limit
    )
    standin.add_people(
        settings.people, start=settings.first, own_organizations=settings.own_organizations
    )
    pipe.send(await standin.start())
    try:
        while (command := await asyncio.to_thread(pipe.recv))[0] != "stop":
            pipe.send(_answer(standin, *command))
    finally:
        await standin.stop()


# What the parent may ask: the stand-in's own methods of these names.
_QUESTIONS = frozenset({"request_count", "requests_from", "tokens", "over_limit", "arrived_within"})


def _answer(standin: PipedriveStandIn, name: str, *args: Any) -> Any:
    if name not in _QUESTIONS:
        raise ValueError(f"the Pipedrive stand-in's process was asked {name!r}")
    return getattr(standin, name)(*args)
