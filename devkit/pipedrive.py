"""A Pipedrive stand-in: serves recorded JSON bodies by path, checks the token, can misbehave.

Person searches are answered from the persons it holds (`pipedrive_search.py`). With an `oauth`
stand-in (`pipedrive_oauth.py`), requests without the API token may carry a user's bearer token.
Notes and activities can be written (`pipedrive_writes.py`); `writes` lists those it accepted.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from devkit.pipedrive_search import SEARCH_PATH, search_response
from devkit.pipedrive_writes import SCOPE_MISMATCH, WRITE_SCOPES, Write, Writes
from devkit.serving import LoopbackServer

if TYPE_CHECKING:
    from devkit.pipedrive_oauth import PipedriveOAuthStandIn

UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}
NOT_FOUND = {
    "success": False,
    "error": "Entity was not found",
    "error_info": "Object was not found.",
    "data": None,
    "additional_data": None,
}


# v2 list endpoints that take `ids=1,2,…` (up to 100).
LIST_PATHS = frozenset({"/api/v2/persons", "/api/v2/activities", "/api/v2/organizations"})
PERSONS_PATH = "/api/v2/persons"
# Ids given to the pictures and activities of people made by `add_people`.
PICTURE_IDS = 100_000


def _activity_ids(person_id: int) -> tuple[int, int]:
    return 200_000 + person_id, 300_000 + person_id


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
        oauth: PipedriveOAuthStandIn | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self._writes = Writes()
        # Answers requests made with a user's bearer token instead of the API token.
        self.oauth = oauth
        self.records: dict[str, Any] = sample_records() if records is None else records
        self.latency = latency
        self.requests: list[SeenRequest] = []
        self.answered: list[str] = []  # paths, in the order their answers were sent
        self._misbehaviours: list[Misbehaviour] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/{tail:.*}", self._answer), web.post("/{tail:.*}", self._write)]

    @property
    def writes(self) -> list[Write]:
        """The notes and activities it accepted, oldest first (refused ones are not here)."""
        return self._writes.accepted

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
        """Copies of sample person 1 as persons start..start+count-1 (for bursts over many ids).

        Each copy has its own picture and activities, as real people do; they share person 1's
        owner and organization, as a sales team's people do.
        """
        for person_id in range(start, start + count):
            picture_id, next_id, last_id = (PICTURE_IDS + person_id, *_activity_ids(person_id))
            for version in ("v1", "v2"):
                body = self._copy(f"/api/{version}/persons/1", person_id)
                body["data"]["name"] = f"{body['data']['name']} {person_id}"
                body["data"]["next_activity_id"] = next_id
                body["data"]["last_activity_id"] = last_id
                if version == "v2":
                    body["data"]["picture_id"] = picture_id
                else:
                    body["data"]["picture_id"]["value"] = picture_id
                self.records[f"/api/{version}/persons/{person_id}"] = body
                for template, activity_id in ((128, next_id), (34, last_id)):
                    activity = self._copy(f"/api/{version}/activities/{template}", activity_id)
                    activity["data"]["person_id"] = person_id
                    self.records[f"/api/{version}/activities/{activity_id}"] = activity
            picture = self._copy("/api/v2/persons/1/picture", picture_id)
            picture["data"]["item_id"] = person_id
            self.records[f"/api/v2/persons/{person_id}/picture"] = picture

    def _copy(self, path: str, new_id: int) -> Any:
        body = copy.deepcopy(self.records[path])
        body["data"]["id"] = new_id
        return body

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
        if request.headers.get("x-api-token") == self.token:
            status, body = self._record_answer(request.path, request.query)
        elif self.oauth is not None:
            authorization = request.headers.get("Authorization")
            status, body = self.oauth.answer_bearer(
                request.path, request.query, authorization, self._record_answer
            )
        else:
            status, body = 401, UNAUTHORIZED
        return web.json_response(body, status=status)

    def _record_answer(self, path: str, query: Mapping[str, str]) -> tuple[int, Any]:
        body = self.records.get(path)
        search = SEARCH_PATH.match(path)
        if body is None and search:
            return search_response(self.records, search.group(1), query)
        if body is None and path in LIST_PATHS and "ids" in query:
            return 200, self._list(path, query["ids"])
        if body is None and path == PERSONS_PATH:
            return 200, self._persons_page(query.get("limit", "100"))
        if body is None:
            return 404, NOT_FOUND
        return 200, body

    def _list(self, path: str, ids: str) -> dict[str, Any]:
        """`GET /api/v2/persons?ids=1,2`: the records that exist, in the order asked."""
        wanted = [part for part in ids.split(",") if part.strip().isdigit()][:100]
        bodies = [self.records.get(f"{path}/{int(part)}") for part in wanted]
        items = [body["data"] for body in bodies if body is not None]
        return {"success": True, "data": items, "additional_data": {"next_cursor": None}}

    def _persons_page(self, limit: str) -> dict[str, Any]:
        """`GET /api/v2/persons?limit=N` without ids: the first N persons it holds, by id."""
        size = max(1, min(int(limit), 500)) if limit.isdigit() else 100
        prefix = f"{PERSONS_PATH}/"
        ids = sorted(
            int(tail)
            for path in self.records
            if path.startswith(prefix) and (tail := path.removeprefix(prefix)).isdigit()
        )
        items = [self.records[f"{prefix}{person_id}"]["data"] for person_id in ids[:size]]
        more = len(ids) > size
        cursor = f"cursor-{ids[size]}" if more else None
        return {"success": True, "data": items, "additional_data": {"next_cursor": cursor}}

    async def _write(self, request: web.Request) -> web.StreamResponse:
        """A POST: misbehaving as told, else authenticated and answered by `pipedrive_writes`."""
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        self.requests.append(
            SeenRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
            )
        )
        rule = self._misbehaviour_for(request.path)
        if rule is not None:
            await asyncio.sleep(rule.delay)
            if rule.raw is not None:
                return web.Response(status=rule.status, body=rule.raw, headers=rule.headers)
            if rule.body is not None or rule.status != 200:
                return web.json_response(rule.body, status=rule.status, headers=rule.headers)
            # Only slow: the write itself, late.
        credential = request.headers.get("x-api-token")
        if credential != self.token:
            credential, refusal = self._bearer_may_write(request)
            if refusal is not None:
                return web.json_response(refusal[1], status=refusal[0])
        status, answer = self._writes.answer(self.records, request.path, body, credential or "")
        return web.json_response(answer, status=status)

    def _bearer_may_write(self, request: web.Request) -> tuple[str | None, tuple[int, Any] | None]:
        """A user's OAuth token that may make this write, or the refusal Pipedrive answers."""
        authorization = request.headers.get("Authorization")
        if self.oauth is None or self.oauth.user_for(authorization) is None:
            return None, (401, UNAUTHORIZED)
        granted = set(self.oauth.scope.split(","))
        if not granted.intersection(WRITE_SCOPES.get(request.path, ())):
            return None, (403, SCOPE_MISMATCH)
        return (authorization or "").removeprefix("Bearer "), None

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
