"""A Pipedrive stand-in: serves recorded JSON bodies by path, checks the token, can misbehave.

Person searches are answered from the persons it holds (`pipedrive_search.py`). With an `oauth`
stand-in (`pipedrive_oauth.py`), requests without the API token may carry a user's bearer token.
Notes and activities can be written (`pipedrive_writes.py`); `writes` lists those it accepted.
It adds up the tokens Pipedrive would charge for what it serves (`token_costs.py`), and with a
`burst_limit` it keeps Pipedrive's per-token rolling 2-second window: `x-ratelimit-limit`,
`-remaining` and `-reset` on every answer (a search's describe the searches' own window, 10 per
2 s), and 429 past the limit (refused requests neither count in the window nor cost tokens).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import itertools
import json
import math
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

from aiohttp import web

from devkit.pipedrive_search import SEARCH_PATH, search_response
from devkit.pipedrive_writes import SCOPE_MISMATCH, WRITE_SCOPES, Write, Writes
from devkit.serving import LoopbackServer
from devkit.token_costs import token_cost

RecordAnswer = Callable[[str, Mapping[str, str]], tuple[int, Any]]


class BearerUsers(Protocol):
    """Who a bearer token belongs to, and what the API answers them (`pipedrive_oauth.py`)."""

    scope: str  # the scopes its tokens carry, comma-separated

    def user_for(self, authorization: str | None) -> object | None: ...

    def answer_bearer(
        self,
        path: str,
        query: Mapping[str, str],
        authorization: str | None,
        answer: RecordAnswer,
    ) -> tuple[int, Any]: ...


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
# Ids given to the pictures, organizations and activities of people made by `add_people`.
PICTURE_IDS = 100_000
ORGANIZATION_IDS = 400_000
BURST_WINDOW_SECONDS = 2.0
SEARCH_BURST_LIMIT = 10
TOO_MANY_REQUESTS = {"success": False, "error": "Too many requests", "errorCode": 429}


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
    record itself is served, late. Hostile bodies (200): `trickle` sends one byte every that
    many seconds and never ends; `size` is a JSON person of that many bytes, sent gzipped
    with `gzip` (a gzip bomb when large: 512 MiB inflate from about 500 KiB).
    """

    path: str
    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = None  # None: every time
    trickle: float = 0.0
    size: int = 0
    gzip: bool = False


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    tokens: int = 0  # what Pipedrive would charge for the answer it got
    over_limit: bool = False  # refused with 429 by the burst window
    at: float = 0.0  # arrival, on the monotonic clock (asyncio's loop time)


class PipedriveStandIn(LoopbackServer):
    """`await PipedriveStandIn(token=...).start()` then point `PIPEDRIVE_API_URL` at `.url`."""

    def __init__(
        self,
        *,
        token: str = "demo-token",
        records: dict[str, Any] | None = None,
        latency: float = 0.0,
        oauth: BearerUsers | None = None,
        burst_limit: int | None = None,
    ) -> None:
        super().__init__()
        self.token = token
        self._writes = Writes()
        # Answers requests made with a user's bearer token instead of the API token.
        self.oauth = oauth
        self.records: dict[str, Any] = sample_records() if records is None else records
        self.latency = latency
        # Requests per token per 2 s; None: no window, and no `x-ratelimit-*` headers.
        self.burst_limit = burst_limit
        self.requests: list[SeenRequest] = []
        self.answered: list[str] = []  # paths, in the order their answers were sent
        self.unpriced: set[str] = set()  # paths served that `token_costs` has no price for
        self._misbehaviours: list[Misbehaviour] = []
        self._windows: defaultdict[str, deque[float]] = defaultdict(deque)

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

    def request_count(self) -> int:
        """Requests that arrived so far."""
        return len(self.requests)

    def requests_from(self, start: int, end: int | None = None) -> list[SeenRequest]:
        """The requests numbered `start` up to `end` (all later ones with None), in order."""
        return self.requests[start:end]

    def tokens(self, since: int = 0) -> int:
        """Tokens Pipedrive would have charged for the requests from number `since` on."""
        return sum(seen.tokens for seen in self.requests[since:])

    def over_limit(self, since: int = 0) -> int:
        """Requests from number `since` on that the burst window refused (429)."""
        return sum(seen.over_limit for seen in self.requests[since:])

    def arrived_within(self, seconds: float) -> int:
        """Requests that arrived in the last `seconds` (on the monotonic clock: from any thread)."""
        since = time.monotonic() - seconds
        return sum(
            1 for _ in itertools.takewhile(lambda seen: seen.at > since, reversed(self.requests))
        )

    def enforce_burst_limit(self, limit: int | None) -> None:
        """Keep (or with None stop keeping) a per-token window of `limit` requests per 2 s."""
        self.burst_limit = limit
        self._windows.clear()

    def answered_count(self, path_prefix: str = "/") -> int:
        """Requests under `path_prefix` whose answer has been sent (after any delay)."""
        return sum(1 for path in self.answered if path.startswith(path_prefix))

    def add_people(self, count: int, *, start: int = 2, own_organizations: bool = False) -> None:
        """Copies of sample person 1 as persons start..start+count-1 (for bursts over many ids).

        Each copy has its own picture and activities, as real people do; they share person 1's
        owner and organization, as a sales team's people do, or with `own_organizations` each
        has an organization of its own (ids from `ORGANIZATION_IDS`), as customers do.
        """
        for person_id in range(start, start + count):
            picture_id, next_id, last_id = (PICTURE_IDS + person_id, *_activity_ids(person_id))
            org_id = ORGANIZATION_IDS + person_id
            if own_organizations:
                organization = self._copy("/api/v2/organizations/1234", org_id)
                organization["data"]["name"] = f"Organization of {person_id}"
                self.records[f"/api/v2/organizations/{org_id}"] = organization
            for version in ("v1", "v2"):
                body = self._copy(f"/api/{version}/persons/1", person_id)
                body["data"]["name"] = f"{body['data']['name']} {person_id}"
                body["data"]["next_activity_id"] = next_id
                body["data"]["last_activity_id"] = last_id
                if version == "v2":
                    body["data"]["picture_id"] = picture_id
                else:
                    body["data"]["picture_id"]["value"] = picture_id
                if own_organizations and version == "v2":
                    body["data"]["org_id"] = org_id
                elif own_organizations:
                    body["data"]["org_id"] |= {
                        "value": org_id,
                        "name": f"Organization of {person_id}",
                    }
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
        window = self._window(request)  # Pipedrive counts a request as it arrives
        tokens = token_cost(request.path) if self._authorized(request) and not window.refused else 0
        if tokens is None:
            self.unpriced.add(request.path)
        self.requests.append(
            SeenRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                tokens=tokens or 0,
                over_limit=window.refused,
                at=time.monotonic(),
            )
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        if window.refused:
            headers = {**window.headers, "Retry-After": window.headers["x-ratelimit-reset"]}
            return web.json_response(TOO_MANY_REQUESTS, status=429, headers=headers)
        rule = self._misbehaviour_for(request.path)
        if rule is not None:
            if rule.delay:
                await asyncio.sleep(rule.delay)
            if rule.trickle:
                return await _trickle(request, rule.trickle, window.headers)
            if rule.size:
                return await _sized(request, rule.size, gzip=rule.gzip, headers=window.headers)
            headers = {**window.headers, **rule.headers}
            if rule.raw is not None:
                return web.Response(status=rule.status, body=rule.raw, headers=headers)
            if rule.body is not None or rule.status != 200:
                return web.json_response(rule.body, status=rule.status, headers=headers)
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
        return web.json_response(body, status=status, headers=window.headers)

    def _authorized(self, request: web.Request) -> bool:
        if request.headers.get("x-api-token") == self.token:
            return True
        bearer = request.headers.get("Authorization")
        return self.oauth is not None and self.oauth.user_for(bearer) is not None

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

    def _window(self, request: web.Request) -> _Window:
        """Count the request in its token's window (and the searches' for a search)."""
        if self.burst_limit is None:
            return _Window()
        now = asyncio.get_running_loop().time()
        # Each credential has its own window: the API token, or one OAuth user's bearer token.
        token = request.headers.get("x-api-token") or request.headers.get("Authorization") or ""
        windows = [(self._windows[token], self.burst_limit)]
        if SEARCH_PATH.match(request.path):
            windows.append((self._windows[f"{token} search"], SEARCH_BURST_LIMIT))
        for arrivals, _ in windows:
            while arrivals and arrivals[0] <= now - BURST_WINDOW_SECONDS:
                arrivals.popleft()
        refused = any(len(arrivals) >= limit for arrivals, limit in windows)
        if not refused:
            for arrivals, _ in windows:
                arrivals.append(now)
        arrivals, limit = windows[-1]  # a search's headers speak of the searches' window
        reset = arrivals[0] + BURST_WINDOW_SECONDS - now if arrivals else BURST_WINDOW_SECONDS
        headers = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - len(arrivals))),
            "x-ratelimit-reset": str(max(1, math.ceil(reset))),
        }
        return _Window(refused=refused, headers=headers)

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


@dataclass(frozen=True)
class _Window:
    refused: bool = False
    headers: dict[str, str] = field(default_factory=dict)


async def _trickle(
    request: web.Request, every: float, headers: dict[str, str]
) -> web.StreamResponse:
    """200, then one byte every `every` seconds until the client goes away."""
    response = web.StreamResponse(headers={**headers, "Content-Type": "application/json"})
    await response.prepare(request)
    try:
        await response.write(b"{")
        while True:
            await asyncio.sleep(every)
            await response.write(b" ")
    except ConnectionError:
        pass
    return response


async def _sized(
    request: web.Request, size: int, *, gzip: bool, headers: dict[str, str]
) -> web.StreamResponse:
    """A JSON person of `size` bytes (gzipped with `gzip`), streamed in chunks."""
    chunks = _gzipped(size) if gzip else tuple(_padded_person(size))
    encoding = {"Content-Encoding": "gzip"} if gzip else {}
    response = web.StreamResponse(
        headers={**headers, **encoding, "Content-Type": "application/json"}
    )
    response.content_length = sum(map(len, chunks))
    await response.prepare(request)
    try:
        for chunk in chunks:
            await response.write(chunk)
        await response.write_eof()
    except ConnectionError:
        pass
    return response


def _padded_person(size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    head = b'{"success": true, "data": {"id": 1, "name": "Padded", "notes": "'
    tail = b'"}}'
    yield head
    left = max(0, size - len(head) - len(tail))
    while left > 0:
        yield b"a" * min(chunk, left)
        left -= chunk
    yield tail


@functools.cache
def _gzipped(size: int) -> tuple[bytes, ...]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [compressor.compress(part) for part in _padded_person(size)]
    out.append(compressor.flush())
    return tuple(part for part in out if part)
