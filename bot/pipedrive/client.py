"""The one async HTTP client for Pipedrive: auth, timeouts, status mapping, v1/v2 shapes.

One `PipedriveClient` (one pooled `httpx.AsyncClient`) lives for the whole process. Every method
returns domain models (`models.py`); every failure is one of the errors in `errors.py`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Generator
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from .errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from .models import Activity, Organization, Person, Picture, User
from .wire import LooseStr, WireActivity, WireModel, WireUser
from .wire_v1 import V1Organization, V1Person
from .wire_v2 import PERSON_INCLUDE_FIELDS, V2Organization, V2Person, V2Picture

log = logging.getLogger(__name__)

ApiVersion = Literal["v1", "v2"]
_Wire = TypeVar("_Wire", bound=WireModel)

# Connect fast or give up; a read may take longer. The people service adds a per-card budget.
DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=5.0, write=5.0, pool=2.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20, keepalive_expiry=60)
# Seconds to wait after a 429 that says nothing about when to come back.
DEFAULT_RETRY_AFTER = 2.0


class ApiTokenAuth(httpx.Auth):
    """Sends the API token in the `x-api-token` header, never in the URL; never shows it."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-api-token"] = self._token.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "ApiTokenAuth(token='**********')"


class CurrentUser(WireModel):
    """`GET /api/v1/users/me`: who the token belongs to, and which company."""

    id: int
    name: LooseStr = None
    email: LooseStr = None
    company_name: LooseStr = None
    company_domain: LooseStr = None


class PipedriveClient:
    """Reads persons and the records around them from one Pipedrive company."""

    def __init__(
        self,
        *,
        origin: str,
        api_token: SecretStr,
        api_version: ApiVersion = "v2",
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api_version: ApiVersion = api_version
        self._http = httpx.AsyncClient(
            base_url=origin.rstrip("/"),
            auth=ApiTokenAuth(api_token),
            headers={"Accept": "application/json", "User-Agent": "pipedrive-person-card"},
            timeout=timeout,
            limits=limits,
            transport=transport,
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

    async def person(self, person_id: int) -> Person:
        """The person, with whatever related records this API version embeds."""
        try:
            if self.api_version == "v1":
                return (await self._get(f"/api/v1/persons/{person_id}", V1Person)).to_domain()
            params = {"include_fields": ",".join(PERSON_INCLUDE_FIELDS)}
            return (await self._get(f"/api/v2/persons/{person_id}", V2Person, params)).to_domain()
        except PipedriveNotFound:
            raise PersonNotFound(person_id) from None

    async def user(self, user_id: int) -> User:
        # Users have no v2 endpoint.
        return (await self._get(f"/api/v1/users/{user_id}", WireUser)).to_domain()

    async def current_user(self) -> CurrentUser:
        return await self._get("/api/v1/users/me", CurrentUser)

    async def organization(self, org_id: int) -> Organization:
        if self.api_version == "v1":
            return (await self._get(f"/api/v1/organizations/{org_id}", V1Organization)).to_domain()
        return (await self._get(f"/api/v2/organizations/{org_id}", V2Organization)).to_domain()

    async def activity(self, activity_id: int) -> Activity:
        path = f"/api/{self.api_version}/activities/{activity_id}"
        return (await self._get(path, WireActivity)).to_domain()

    async def person_picture(self, person_id: int) -> Picture:
        # v1 embeds the picture in the person; this is only needed (and only exists) in v2.
        return (await self._get(f"/api/v2/persons/{person_id}/picture", V2Picture)).to_domain()

    # -- transport -------------------------------------------------------------------------

    async def _get(
        self, path: str, shape: type[_Wire], params: dict[str, str] | None = None
    ) -> _Wire:
        data = await self._get_data(path, params)
        try:
            return shape.model_validate(data)
        except ValidationError as error:
            raise PipedriveUnavailable(
                f"GET {path}: unexpected response shape ({error.error_count()} errors)"
            ) from None

    async def _get_data(self, path: str, params: dict[str, str] | None) -> Any:
        try:
            response = await self._http.get(path, params=params)
        except httpx.TimeoutException as error:
            raise PipedriveUnavailable(f"GET {path}: timed out ({type(error).__name__})") from None
        except httpx.RequestError as error:  # transport, and bodies that fail to decode (gzip)
            raise PipedriveUnavailable(f"GET {path}: {type(error).__name__}") from None
        raise_for_status(path, response)
        try:
            body = response.json()
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            raise PipedriveUnavailable(f"GET {path}: response is not JSON") from None
        if not isinstance(body, dict) or body.get("success") is not True:
            raise PipedriveUnavailable(f"GET {path}: Pipedrive answered success=false")
        data = body.get("data")
        if data is None:
            raise PipedriveNotFound(f"GET {path}: no data")
        return data


def raise_for_status(path: str, response: httpx.Response) -> None:
    """Map an error status to the hierarchy in `errors.py`."""
    status = response.status_code
    if status < 400:
        return
    where = f"GET {path}: HTTP {status}"
    if status in (404, 410):
        raise PipedriveNotFound(where)
    if status == 401:
        raise PipedriveAuthError(where)
    if status in (402, 403):
        raise PipedriveForbidden(where)
    if status == 429:
        raise PipedriveRateLimited(
            where, retry_after_seconds(response), daily_budget_spent=_daily_budget_spent(response)
        )
    if status >= 500:
        raise PipedriveUnavailable(where)
    raise PipedriveError(where)


def retry_after_seconds(response: httpx.Response) -> float:
    """Seconds to wait before the next request, from `Retry-After` or `x-ratelimit-reset`."""
    for header in ("retry-after", "x-ratelimit-reset"):
        value = response.headers.get(header)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return DEFAULT_RETRY_AFTER


def _daily_budget_spent(response: httpx.Response) -> bool:
    if response.headers.get("x-daily-requests-left", "").strip() == "0":
        return True
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, str) and "daily" in error.lower()
