"""The one async HTTP client for Pipedrive: auth, timeouts, status mapping, v1/v2 shapes.

One `PipedriveClient` (one pooled `httpx.AsyncClient`) lives for the whole process. Every method
returns domain models (`models.py`); every failure is one of the errors in `errors.py`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import random
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from bot.config import PipedriveSettings
from bot.domain import (
    Activity,
    FieldDefinition,
    NewActivity,
    Organization,
    Person,
    Picture,
    SearchHit,
    User,
)
from bot.pipedrive.body import ACCEPT_ENCODING, UnreadableBody, read_body
from bot.pipedrive.errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveBadRequest,
    PipedriveError,
    PipedriveForbidden,
    PipedriveMissingScope,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from bot.pipedrive.pacing import (
    BURST_WINDOW_SECONDS,
    DEFAULT_BURST_LIMIT,
    Announcement,
    RequestPacer,
    wait_seconds,
)
from bot.pipedrive.wire import (
    LooseStr,
    WireActivity,
    WireActivityTypes,
    WireModel,
    WireUser,
    valid_items,
)
from bot.pipedrive.wire_search import WirePersonSearch
from bot.pipedrive.wire_v1 import V1Organization, V1Person, V1PersonFieldsPage
from bot.pipedrive.wire_v2 import (
    PERSON_INCLUDE_FIELDS,
    V2Organization,
    V2Person,
    V2PersonFieldsPage,
    V2Picture,
)

log = logging.getLogger(__name__)

ApiVersion = Literal["v1", "v2"]
_Wire = TypeVar("_Wire", bound=WireModel)
_Record = TypeVar("_Record")

# Each request, body and wait for a pooled connection included, ends at `REQUEST_TIMEOUT`:
# httpx's own read timeout is per chunk, so a body trickling in a byte at a time never meets it.
# Connecting fails fast (and is retried).
REQUEST_TIMEOUT = 10.0
DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=REQUEST_TIMEOUT, write=5.0, pool=None)
# The pool holds every request the burst limit lets start within one request's total time, so
# requests that hang until their total never leave new work without a connection.
MAX_CONNECTIONS = 256
# The most a body may hold, decoded: a record (or a search's page) is kilobytes; a list of up
# to 100 records, or a page of up to 500 field definitions, more.
RECORD_BODY_MAX = 2 * 1024 * 1024
LIST_BODY_MAX = 4 * 1024 * 1024
# What `/person <text>` searches: not notes or custom fields.
SEARCH_FIELDS = "name,email,phone"
# Person fields per page (Pipedrive's maximum), and pages read at most: 10 000 fields.
FIELDS_PAGE_LIMIT = 500
FIELDS_PAGES_MAX = 20
# Seconds to wait after a 429 that says nothing about when to come back.
DEFAULT_RETRY_AFTER = 2.0
RETRYABLE_STATUSES = frozenset({502, 503, 504})


def pool_limits(burst_limit: int, request_timeout: float = REQUEST_TIMEOUT) -> httpx.Limits:
    """Connections enough for every request the pacer can have in flight at once."""
    in_flight = burst_limit * math.ceil(request_timeout / BURST_WINDOW_SECONDS)
    return httpx.Limits(
        max_connections=min(MAX_CONNECTIONS, in_flight),
        max_keepalive_connections=20,
        keepalive_expiry=60,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Idempotent GETs are tried again after 502/503/504 and failed connections, and after a
    429 once Pipedrive's wait is over, as long as the wait fits the caller's deadline."""

    attempts: int = 3
    first_backoff: float = 0.1
    max_backoff: float = 1.0
    # With no deadline (a command-line run), how long a 429 may make us wait.
    max_wait_without_deadline: float = 10.0
    # What a request needs after a wait, for the wait to be worth it.
    request_room: float = 0.2

    def backoff(self, attempt: int) -> float:
        """Jittered exponential backoff before try `attempt + 1`."""
        base = min(self.max_backoff, self.first_backoff * 2.0 ** (attempt - 1))
        return base * random.uniform(0.5, 1.5)

    def fits(self, wait: float, deadline: float | None) -> bool:
        """Whether a wait of `wait` seconds leaves the request room before `deadline`."""
        if deadline is None:
            return wait <= self.max_wait_without_deadline
        return wait + self.request_room < deadline - asyncio.get_running_loop().time()


class ApiTokenAuth(httpx.Auth):
    """Sends the API token in the `x-api-token` header, never in the URL; never shows it."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-api-token"] = self._token.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "ApiTokenAuth(token='**********')"


def credential_key(token: SecretStr) -> str:
    """The name a token's burst window goes by: not the token, and the same in every process."""
    digest = hashlib.sha256(token.get_secret_value().encode()).hexdigest()
    return f"api-token:{digest[:16]}"


class CurrentUser(WireModel):
    """`GET /api/v1/users/me`: who the token belongs to, and which company."""

    id: int
    name: LooseStr = None
    email: LooseStr = None
    company_name: LooseStr = None
    company_domain: LooseStr = None


class PipedriveClient:
    """Reads persons and the records around them from one Pipedrive company.

    Every read takes the caller's `deadline` (loop time, or None for none): waits for a turn
    under the burst limit, after a 429 or before a retry are made only when they fit before it.
    Keeping to the deadline itself is the caller's; each request also ends at `request_timeout`.
    """

    def __init__(
        self,
        *,
        origin: str,
        api_token: SecretStr | None = None,
        auth: httpx.Auth | None = None,
        api_version: ApiVersion = "v2",
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
        limits: httpx.Limits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        burst_limit: int = DEFAULT_BURST_LIMIT,
        pacer: RequestPacer | None = None,
        credential: str | None = None,
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        """`api_token`, or `auth` with the `credential` its burst window goes by (one OAuth
        user's token has its own window, as Pipedrive counts it)."""
        self.api_version: ApiVersion = api_version
        self.request_timeout = request_timeout
        self._retry = retry
        self._pacer = pacer or RequestPacer(burst_limit)
        if credential is None:
            if api_token is None:
                raise ValueError("a client needs an API token, or auth and its credential")
            credential = credential_key(api_token)
        self._credential = credential
        self._http = httpx.AsyncClient(
            base_url=origin.rstrip("/"),
            # The shared API token, or one user's OAuth access (`user_auth.UserAuth`).
            auth=auth or (ApiTokenAuth(api_token) if api_token is not None else None),
            headers={
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
                "User-Agent": "pipedrive-person-card",
            },
            timeout=timeout,
            limits=limits or pool_limits(self._pacer.limit, request_timeout),
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls, settings: PipedriveSettings, *, pacer: RequestPacer | None = None
    ) -> PipedriveClient:
        """The process's one API-token client, as the settings describe it (`pacer`: one
        whose slots several processes share)."""
        return cls(
            origin=settings.pipedrive_origin,
            api_token=settings.pipedrive_api_token,
            api_version=settings.pipedrive_api_version,
            burst_limit=settings.pipedrive_burst_limit,
            pacer=pacer,
        )

    def __repr__(self) -> str:
        return f"PipedriveClient(origin={str(self._http.base_url)!r}, version={self.api_version!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- records ---------------------------------------------------------------------------

    async def person(self, person_id: int, *, deadline: float | None = None) -> Person:
        """The person, with whatever related records this API version embeds."""
        try:
            if self.api_version == "v1":
                path = f"/api/v1/persons/{person_id}"
                return (await self._get(path, V1Person, deadline=deadline)).to_domain()
            params = {
                "include_fields": ",".join(PERSON_INCLUDE_FIELDS),
                # enum and set values as {id, label}, not bare option ids
                "include_option_labels": "true",
            }
            path = f"/api/v2/persons/{person_id}"
            return (await self._get(path, V2Person, params, deadline=deadline)).to_domain()
        except PipedriveNotFound:
            raise PersonNotFound(person_id) from None

    async def user(self, user_id: int, *, deadline: float | None = None) -> User:
        path = f"/api/v1/users/{user_id}"  # users have no v2 endpoint
        return (await self._get(path, WireUser, deadline=deadline)).to_domain()

    async def current_user(self, *, deadline: float | None = None) -> CurrentUser:
        return await self._get("/api/v1/users/me", CurrentUser, deadline=deadline)

    async def organization(self, org_id: int, *, deadline: float | None = None) -> Organization:
        path = f"/api/{self.api_version}/organizations/{org_id}"
        if self.api_version == "v1":
            return (await self._get(path, V1Organization, deadline=deadline)).to_domain()
        return (await self._get(path, V2Organization, deadline=deadline)).to_domain()

    async def activity(self, activity_id: int, *, deadline: float | None = None) -> Activity:
        path = f"/api/{self.api_version}/activities/{activity_id}"
        return (await self._get(path, WireActivity, deadline=deadline)).to_domain()

    async def persons(
        self, person_ids: Sequence[int], *, deadline: float | None = None
    ) -> dict[int, Person]:
        """Several people by id in one request (up to 100); ids not found are left out."""
        if self.api_version == "v1":  # v1's list endpoint is gone: one request each
            return await _each(person_ids, self.person, deadline)
        params = {
            "ids": ",".join(map(str, person_ids)),
            "include_fields": ",".join(PERSON_INCLUDE_FIELDS),
            "include_option_labels": "true",
            "limit": str(len(person_ids)),
        }
        found = await self._get_items("/api/v2/persons", V2Person, params, deadline=deadline)
        return {person.id: person.to_domain() for person in found}

    async def first_person_id(self) -> int | None:
        """The id of the first person this token may see (`GET /api/v2/persons?limit=1`), if any.

        v2 whatever `api_version` says: v1's person list is deprecated, and v2 serves every
        company. For `python -m bot check`, which then reads that person the configured way.
        """
        found = await self._get_items("/api/v2/persons", V2Person, {"limit": "1"}, deadline=None)
        return found[0].id if found else None

    async def organizations(
        self, org_ids: Sequence[int], *, deadline: float | None = None
    ) -> dict[int, Organization]:
        """Several organizations by id in one request (up to 100); ids not found are left out."""
        if self.api_version == "v1":
            return await _each(org_ids, self.organization, deadline)
        params = {"ids": ",".join(map(str, org_ids)), "limit": str(len(org_ids))}
        found = await self._get_items(
            "/api/v2/organizations", V2Organization, params, deadline=deadline
        )
        return {org.id: org.to_domain() for org in found}

    async def activities(
        self, activity_ids: Sequence[int], *, deadline: float | None = None
    ) -> dict[int, Activity]:
        """Several activities by id in one request (up to 100); ids not found are left out."""
        if self.api_version == "v1":
            return await _each(activity_ids, self.activity, deadline)
        params = {"ids": ",".join(map(str, activity_ids)), "limit": str(len(activity_ids))}
        found = await self._get_items("/api/v2/activities", WireActivity, params, deadline=deadline)
        return {activity.id: activity.to_domain() for activity in found}

    async def person_picture(self, person_id: int, *, deadline: float | None = None) -> Picture:
        """A best-effort read: refused rather than queued when the burst limit is reached."""
        # v1 embeds the picture in the person; this is only needed (and only exists) in v2.
        path = f"/api/v2/persons/{person_id}/picture"
        return (await self._get(path, V2Picture, deadline=deadline, best_effort=True)).to_domain()

    async def person_fields(self, *, deadline: float | None = None) -> list[FieldDefinition]:
        """Every person field, built-in and custom, in Pipedrive's order (all pages)."""
        if self.api_version == "v1":
            return await self._v1_person_fields(deadline)
        fields: list[FieldDefinition] = []
        params = {"limit": str(FIELDS_PAGE_LIMIT)}
        seen: set[str] = set()
        for _ in range(FIELDS_PAGES_MAX):
            page = await self._get(
                "/api/v2/personFields", V2PersonFieldsPage, params, deadline=deadline, page=True
            )
            fields.extend(page.definitions())
            cursor = page.next_cursor()
            if cursor is None or cursor in seen:  # a repeated cursor would loop forever
                break
            seen.add(cursor)
            params = {"limit": str(FIELDS_PAGE_LIMIT), "cursor": cursor}
        return fields

    async def _v1_person_fields(self, deadline: float | None) -> list[FieldDefinition]:
        fields: list[FieldDefinition] = []
        start = 0
        for _ in range(FIELDS_PAGES_MAX):
            params = {"start": str(start), "limit": str(FIELDS_PAGE_LIMIT)}
            page = await self._get(
                "/api/v1/personFields", V1PersonFieldsPage, params, deadline=deadline, page=True
            )
            fields.extend(page.definitions())
            next_start = page.next_start()
            if next_start is None or next_start <= start:
                break
            start = next_start
        return fields

    async def activity_types(self, *, deadline: float | None = None) -> dict[str, str]:
        """Activity type display names by key ("call" → "Call"); v1 only, there is no v2."""
        path = "/api/v1/activityTypes"
        return (await self._get(path, WireActivityTypes, deadline=deadline, page=True)).names()

    async def search_persons(
        self, term: str, *, exact: bool, limit: int = 10, deadline: float | None = None
    ) -> list[SearchHit]:
        """Persons whose name, email or phone matches `term`, best first, at most `limit`.

        `exact`: whole-value matches only (not case sensitive). Pipedrive wants `term` to be at
        least 2 characters, or 1 with `exact`. The term travels only as a query parameter.
        """
        params = {
            "term": term,
            "fields": SEARCH_FIELDS,
            "exact_match": "true" if exact else "false",
            "limit": str(limit),
        }
        if self.api_version == "v1":
            params["start"] = "0"
        path = f"/api/{self.api_version}/persons/search"
        found = await self._get(path, WirePersonSearch, params, deadline=deadline, search=True)
        return found.to_domain()[:limit]

    # -- transport -------------------------------------------------------------------------

    async def _get(
        self,
        path: str,
        shape: type[_Wire],
        params: dict[str, str] | None = None,
        *,
        deadline: float | None,
        search: bool = False,
        page: bool = False,
        best_effort: bool = False,
    ) -> _Wire:
        """`shape` validates the body's `data`, or with `page` (lists and their pagination in
        `additional_data`) the whole body. `best_effort`: see `_get_data`."""
        data = await self._get_data(
            path, params, deadline=deadline, search=search, page=page, best_effort=best_effort
        )
        try:
            return shape.model_validate(data)
        except ValidationError as error:
            raise PipedriveUnavailable(
                f"GET {path}: unexpected response shape ({error.error_count()} errors)"
            ) from None

    async def _get_items(
        self, path: str, shape: type[_Wire], params: dict[str, str], *, deadline: float | None
    ) -> list[_Wire]:
        """The items of a list answer; an item of an unexpected shape is left out, not fatal."""
        data = await self._get_data(path, params, deadline=deadline, listed=True)
        if not isinstance(data, list):
            raise PipedriveUnavailable(f"GET {path}: expected a list")
        return valid_items(shape, data)

    async def _get_data(
        self,
        path: str,
        params: dict[str, str] | None,
        *,
        deadline: float | None,
        search: bool = False,
        page: bool = False,
        listed: bool = False,
        best_effort: bool = False,
    ) -> Any:
        """The `data` of a GET (the whole body with `page`), paced under the burst limit and
        retried where that can help and the deadline allows.

        `best_effort` reads (what a card can do without) are sent only if the burst limit lets
        them start at once, and are not retried: they never hold up the reads a card needs.
        """
        attempts = 1 if best_effort else self._retry.attempts
        limit = LIST_BODY_MAX if page or listed else RECORD_BODY_MAX
        for attempt in range(1, attempts + 1):
            await self._pacer.wait_turn(
                self._credential, search=search, queue=not best_effort, deadline=deadline
            )
            try:
                body = await self._get_once(path, params, search=search, limit=limit)
            except PipedriveRateLimited as error:
                await self._pacer.hold(self._credential, error.retry_after, search=search)
                if attempt >= attempts or not self._retry.fits(error.retry_after, deadline):
                    raise
                log.info("GET %s: rate limited, retrying in %.1f s", path, error.retry_after)
                continue
            except PipedriveUnavailable as error:
                wait = self._retry.backoff(attempt)
                if not error.retryable or attempt >= attempts:
                    raise
                if not self._retry.fits(wait, deadline):
                    raise
                log.info("GET %s: %s; retrying in %.2f s", path, error, wait)
                await asyncio.sleep(wait)
                continue
            if page:
                return body
            data = body.get("data")
            if data is None:
                raise PipedriveNotFound(f"GET {path}: no data")
            return data
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _get_once(
        self, path: str, params: dict[str, str] | None, *, search: bool, limit: int
    ) -> dict[str, Any]:
        """One GET, whole body included, within `request_timeout`: its JSON body."""
        try:
            async with asyncio.timeout(self.request_timeout):
                async with self._http.stream("GET", path, params=params) as response:
                    said = Announcement.from_headers(response.headers)
                    await self._pacer.announce(self._credential, said, search=search)
                    raise_for_status(path, response)
                    raw = await read_body(response, limit=limit)
        except TimeoutError:
            raise PipedriveUnavailable(
                f"GET {path}: no whole answer within {self.request_timeout:g} s"
            ) from None
        except httpx.TimeoutException as error:
            # A connect timeout never reached Pipedrive; a read timeout already spent its wait.
            raise PipedriveUnavailable(
                f"GET {path}: timed out ({type(error).__name__})",
                retryable=isinstance(error, httpx.ConnectTimeout),
            ) from None
        except httpx.TransportError as error:
            raise PipedriveUnavailable(
                f"GET {path}: {type(error).__name__}", retryable=True
            ) from None
        except httpx.RequestError as error:
            raise PipedriveUnavailable(f"GET {path}: {type(error).__name__}") from None
        except UnreadableBody as error:
            raise PipedriveUnavailable(f"GET {path}: {error}") from None
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            raise PipedriveUnavailable(f"GET {path}: response is not JSON") from None
        if not isinstance(body, dict) or body.get("success") is not True:
            raise PipedriveUnavailable(f"GET {path}: Pipedrive answered success=false")
        return body

    # -- writes ----------------------------------------------------------------------------

    async def add_note(
        self, *, person_id: int, org_id: int | None, content: str, deadline: float | None = None
    ) -> int:
        """A note on the person (and their organization): `content` is HTML, escaped by the
        caller. Returns the note's id."""
        body: dict[str, Any] = {"content": content, "person_id": person_id}
        if org_id is not None:
            body["org_id"] = org_id
        return await self._post("/api/v1/notes", body, deadline=deadline)

    async def add_activity(self, activity: NewActivity, *, deadline: float | None = None) -> int:
        """An activity linked to the person (their primary participant) and organization.

        API v2 takes the person only as a participant: `person_id` itself is read-only there.
        Returns the activity's id.
        """
        body: dict[str, Any] = {
            "subject": activity.subject,
            "due_date": activity.due_date.isoformat(),
            "participants": [{"person_id": activity.person_id, "primary": True}],
        }
        if activity.type is not None:
            body["type"] = activity.type
        if activity.due_time is not None:
            body["due_time"] = activity.due_time.strftime("%H:%M")
        if activity.duration_minutes is not None:
            hours, minutes = divmod(activity.duration_minutes, 60)
            body["duration"] = f"{hours:02d}:{minutes:02d}"
        if activity.org_id is not None:
            body["org_id"] = activity.org_id
        if activity.owner_id is not None:
            body["owner_id"] = activity.owner_id
        return await self._post("/api/v2/activities", body, deadline=deadline)

    async def activity_type_choices(self, *, deadline: float | None = None) -> dict[str, str]:
        """The activity types a new activity may have (active ones), names by key."""
        path = "/api/v1/activityTypes"
        body = await self._get(path, WireActivityTypes, deadline=deadline, page=True)
        return body.names(active_only=True)

    async def _post(
        self, path: str, payload: dict[str, Any], *, deadline: float | None = None
    ) -> int:
        """POST `payload`; the id of the record Pipedrive created.

        Writes are not idempotent, so they are never retried: a timeout or a 5xx may or may not
        have written. They wait their turn under the burst limit like reads, a 429 holds the
        credential's requests back, and the answer is bounded in time and size like a read's.
        """
        await self._pacer.wait_turn(self._credential, deadline=deadline)
        try:
            async with asyncio.timeout(self.request_timeout):
                async with self._http.stream("POST", path, json=payload) as response:
                    said = Announcement.from_headers(response.headers)
                    await self._pacer.announce(self._credential, said, search=False)
                    raw = await read_body(response, limit=RECORD_BODY_MAX)
        except TimeoutError:
            within = f"{self.request_timeout:g} s"
            raise PipedriveUnavailable(f"POST {path}: no answer within {within}") from None
        except httpx.TimeoutException as error:
            raise PipedriveUnavailable(f"POST {path}: timed out ({type(error).__name__})") from None
        except httpx.RequestError as error:
            raise PipedriveUnavailable(f"POST {path}: {type(error).__name__}") from None
        except UnreadableBody as error:
            raise PipedriveUnavailable(f"POST {path}: {error}") from None
        answer = httpx.Response(response.status_code, headers=response.headers, content=raw)
        if answer.status_code == 403 and _scope_mismatch(answer):
            raise PipedriveMissingScope(f"POST {path}: HTTP 403 (scope and URL mismatch)")
        try:
            raise_for_status(path, answer, method="POST")
        except PipedriveRateLimited as error:
            await self._pacer.hold(self._credential, error.retry_after)
            raise
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise PipedriveUnavailable(f"POST {path}: response is not JSON") from None
        data = body.get("data") if isinstance(body, dict) and body.get("success") is True else None
        record_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            raise PipedriveUnavailable(f"POST {path}: no id in Pipedrive's answer")
        return record_id


def raise_for_status(path: str, response: httpx.Response, *, method: str = "GET") -> None:
    """Map an error status to the hierarchy in `errors.py`."""
    status = response.status_code
    if status < 400:
        if status >= 300:  # a redirect we do not follow (a login page, a proxy)
            raise PipedriveUnavailable(f"GET {path}: HTTP {status}")
        return
    where = f"{method} {path}: HTTP {status}"
    if status in (404, 410):
        raise PipedriveNotFound(where)
    if status == 401:
        raise PipedriveAuthError(where)
    if status in (402, 403):
        raise PipedriveForbidden(where)
    if status == 400:
        raise PipedriveBadRequest(where)
    if status == 429:
        raise PipedriveRateLimited(where, retry_after_seconds(response))
    if status >= 500:
        raise PipedriveUnavailable(where, retryable=status in RETRYABLE_STATUSES)
    raise PipedriveError(where)


def retry_after_seconds(response: httpx.Response) -> float:
    """Seconds to wait before the next request, from `Retry-After` or `x-ratelimit-reset`."""
    for header in ("retry-after", "x-ratelimit-reset"):
        seconds = wait_seconds(response.headers.get(header), header)
        if seconds is not None:
            return seconds
    return DEFAULT_RETRY_AFTER


async def _each(
    ids: Sequence[int],
    fetch: Callable[..., Awaitable[_Record]],
    deadline: float | None,
) -> dict[int, _Record]:
    """One request per id, concurrently; ids not found are left out."""
    results = await asyncio.gather(
        *(fetch(record_id, deadline=deadline) for record_id in ids), return_exceptions=True
    )
    found: dict[int, _Record] = {}
    for record_id, result in zip(ids, results, strict=True):
        if isinstance(result, PipedriveNotFound):
            continue
        if isinstance(result, BaseException):
            raise result
        found[record_id] = result
    return found


def _scope_mismatch(response: httpx.Response) -> bool:
    """A 403 for want of an OAuth scope: `{"error": "Scope and URL mismatch", ...}`."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, str) and "scope and url mismatch" in error.lower()
