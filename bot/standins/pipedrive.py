"""A Pipedrive stand-in: serves recorded JSON bodies by path, checks the token, can misbehave."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import web

from .serving import LoopbackServer

UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}
NOT_FOUND = {
    "success": False,
    "error": "Entity was not found",
    "error_info": "Object was not found.",
    "data": None,
    "additional_data": None,
}


def sample_records() -> dict[str, Any]:
    """The bundled sample data: response bodies keyed by API path (see sample/pipedrive.json)."""
    text = resources.files(__package__).joinpath("sample/pipedrive.json").read_text("utf-8")
    records: dict[str, Any] = json.loads(text)
    records.pop("_about", None)
    return records


@dataclass
class Misbehaviour:
    """What to answer instead of the record, for requests to `path`.

    `path` is matched exactly, or as a prefix when it ends in "*". With only a `delay`, the
    record itself is served, late.
    """

    path: str
    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = None  # None: every time


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class PipedriveStandIn(LoopbackServer):
    """`await PipedriveStandIn(token=...).start()` then point `PIPEDRIVE_API_URL` at `.url`."""

    def __init__(
        self,
        *,
        token: str = "demo-token",
        records: dict[str, Any] | None = None,
        latency: float = 0.0,
    ) -> None:
        super().__init__()
        self.token = token
        self.records: dict[str, Any] = sample_records() if records is None else records
        self.latency = latency
        self.requests: list[SeenRequest] = []
        self.answered: list[str] = []  # paths, in the order their answers were sent
        self._misbehaviours: list[Misbehaviour] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/{tail:.*}", self._answer)]

    # -- test controls ---------------------------------------------------------------------

    def put(self, path: str, body: Any) -> None:
        self.records[path] = body

    def misbehave(self, path: str, **how: Any) -> Misbehaviour:
        """Answer requests under `path` with a given status/body/delay instead of the record."""
        rule = Misbehaviour(path=path, **how)
        self._misbehaviours.append(rule)
        return rule

    def behave(self) -> None:
        self._misbehaviours.clear()

    def count(self, path_prefix: str = "/") -> int:
        """Requests received so far under `path_prefix`."""
        return sum(1 for seen in self.requests if seen.path.startswith(path_prefix))

    def answered_count(self, path_prefix: str = "/") -> int:
        """Requests under `path_prefix` whose answer has been sent (after any delay)."""
        return sum(1 for path in self.answered if path.startswith(path_prefix))

    def add_people(self, count: int, *, start: int = 2) -> None:
        """Copies of sample person 1 as persons start..start+count-1 (for bursts over many ids)."""
        for version in ("v1", "v2"):
            template = self.records[f"/api/{version}/persons/1"]
            for person_id in range(start, start + count):
                body = copy.deepcopy(template)
                body["data"]["id"] = person_id
                body["data"]["name"] = f"{body['data']['name']} {person_id}"
                self.records[f"/api/{version}/persons/{person_id}"] = body

    # -- serving ---------------------------------------------------------------------------

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._respond(request)
        finally:
            self.answered.append(request.path)

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            SeenRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
            )
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        rule = self._misbehaviour_for(request.path)
        if rule is not None:
            if rule.delay:
                await asyncio.sleep(rule.delay)
            if rule.raw is not None:
                return web.Response(status=rule.status, body=rule.raw, headers=rule.headers)
            if rule.body is not None or rule.status != 200:
                return web.json_response(rule.body, status=rule.status, headers=rule.headers)
            # Only slow: the record itself, late.
        if request.headers.get("x-api-token") != self.token:
            return web.json_response(UNAUTHORIZED, status=401)
        body = self.records.get(request.path)
        if body is None:
            return web.json_response(NOT_FOUND, status=404)
        return web.json_response(body)

    def _misbehaviour_for(self, path: str) -> Misbehaviour | None:
        for rule in self._misbehaviours:
            if rule.path.endswith("*"):
                matches = path.startswith(rule.path.removesuffix("*"))
            else:
                matches = path == rule.path
            if matches and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None
