"""A Pipedrive stand-in in a process of its own.

Pipedrive counts a request in its burst window when the request arrives. A stand-in that shares
its process (and so its interpreter lock) with busy threads, such as a test's command senders,
gets to some requests late and stamps them together, counting as over the limit requests that
were not. In a process of its own it stamps each one as it arrives. The parent asks it for its
counts over a pipe.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection

from devkit.pipedrive import PipedriveStandIn

START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Counts:
    requests: int  # every request that arrived
    over_limit: int  # the ones the burst window refused (429)


class PipedriveProcess:
    """`PipedriveProcess(token=..., ...).start()`, then point `PIPEDRIVE_API_URL` at `.url`.

    Serves `people` copies of sample person 1 from id `first` on, each with an organization of
    its own, and keeps a window of `burst_limit` requests per 2 s per token.
    """

    def __init__(self, *, token: str, first: int, people: int, burst_limit: int) -> None:
        self.token = token
        self._settings = (token, first, people, burst_limit)
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, *self._settings), daemon=True)
        self.url = ""

    def start(self) -> PipedriveProcess:
        self._process.start()
        if not self._pipe.poll(START_TIMEOUT_SECONDS):
            self._process.kill()
            raise RuntimeError("the Pipedrive stand-in's process did not start")
        self.url = self._pipe.recv()
        return self

    def counts(self) -> Counts:
        self._pipe.send("counts")
        requests, over_limit = self._pipe.recv()
        return Counts(requests=requests, over_limit=over_limit)

    def stop(self) -> None:
        if self._process.is_alive():
            self._pipe.send("stop")
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _serve(pipe: Connection, token: str, first: int, people: int, burst_limit: int) -> None:
    asyncio.run(_serve_until_stopped(pipe, token, first, people, burst_limit))


async def _serve_until_stopped(
    pipe: Connection, token: str, first: int, people: int, burst_limit: int
) -> None:
    standin = PipedriveStandIn(token=token, burst_limit=burst_limit)
    standin.add_people(people, start=first, own_organizations=True)
    pipe.send(await standin.start())
    try:
        while (command := await asyncio.to_thread(pipe.recv)) != "stop":
            if command == "counts":
                pipe.send((len(standin.requests), standin.over_limit()))
    finally:
        await standin.stop()
