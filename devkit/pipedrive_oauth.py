"""A stand-in for Pipedrive's OAuth server (`oauth.pipedrive.com`), on its own loopback port.

`GET /oauth/authorize` consents at once as `consenting_user` and redirects to the app's callback
with a code; `POST /oauth/token` exchanges codes (single-use, 5 minutes, bound to the redirect
URI) and refresh tokens, checking the app's HTTP Basic credentials. Tokens it issues work at the
API stand-in it is given (`PipedriveOAuthStandIn(api=...)`), which then answers as that user:
`/api/v1/users/me` is the user, persons hidden from them are not found, and a person renamed in
their company (`rename`) has that company's name. Errors carry the
documented messages ("Invalid grant: authorization_code is invalid") and the RFC 6749 codes.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from devkit.pipedrive import (
    NOT_FOUND,
    UNAUTHORIZED,
    PipedriveStandIn,
    RecordAnswer,
    SeenRequest,
    sample_records,
)
from devkit.pipedrive_search import SEARCH_PATH
from devkit.serving import LoopbackServer, basic_credentials

DEFAULT_SCOPE = "base,contacts:read,activities:read,users:read"
# The company of the sample data (`/api/v1/users/me` in sample/pipedrive.json).
ACME_COMPANY_ID = 54235233
CODE_LIFETIME = 300.0  # seconds an authorization code can be exchanged
FORM = "application/x-www-form-urlencoded"
# A person's own reads: the person, and what hangs under it (picture, ...).
_PERSON_PATH = re.compile(r"^/api/v[12]/persons/([0-9]+)(?:/.*)?$")
_PERSON_LISTS = frozenset({"/api/v2/persons"})
_PERSON_RECORD = re.compile(r"^/api/v[12]/persons/[0-9]+$")

# What the API answers with `ids=` or a search term: the records that exist.


@dataclass(frozen=True)
class StandInUser:
    """A Pipedrive user who can connect: one user in one company."""

    id: int
    name: str
    email: str
    company_id: int
    company_domain: str
    company_name: str


@dataclass(frozen=True)
class SeenTokenRequest:
    """One `POST /oauth/token` as it arrived (its form holds codes and tokens: tests only)."""

    headers: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]


@dataclass
class _Code:
    user_id: int
    redirect_uri: str
    issued_at: float


@dataclass
class _AccessToken:
    user_id: int
    expires_at: float


@dataclass
class _TokenFailure:
    status: int
    raw: bytes
    hang: bool


class PipedriveOAuthStandIn(LoopbackServer):
    """`await PipedriveOAuthStandIn(api=api_standin).start()`; point the app's OAuth URL at `.url`.

    Given an `api` stand-in, it attaches itself (`api.oauth = self`), so bearer tokens it issued
    work there, and its `url` is the `api_domain` of every token answer (unless `api_domain` is
    set). `clock` (monotonic seconds) decides when codes and access tokens expire.
    """

    def __init__(
        self,
        *,
        client_id: str = "standin-client-id",
        client_secret: str = "standin-client-secret",
        api: PipedriveStandIn | None = None,
        redirect_uri: str | None = None,
        scope: str = DEFAULT_SCOPE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.api = api
        # The app's registered callback URL; None accepts any (a Developer Hub has exactly one).
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.clock = clock
        self.consenting_user: int | None = None  # who "clicks Allow" at /oauth/authorize
        self.expires_in = 3599
        self.rotate_refresh_tokens = True  # whether a refresh answers with a new refresh token
        self.api_domain: str | None = None  # overrides the api stand-in's URL in token answers
        self.codes_exchanged = 0
        self.refreshes = 0
        self.token_requests: list[SeenTokenRequest] = []
        self._users: dict[int, StandInUser] = {}
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, _AccessToken] = {}
        self._refresh: dict[str, int] = {}  # refresh token → user id
        self._hidden: dict[int, set[int]] = {}  # user id → person ids they may not see
        # (company id, person id) → the person's name in that company (each has its own data).
        self._names: dict[tuple[int, int], str] = {}
        self._deny_next = False
        self._token_failure: _TokenFailure | None = None
        self._release = asyncio.Event()
        self._me_template: dict[str, Any] = sample_records()["/api/v1/users/me"]["data"]
        if api is not None:
            api.oauth = self

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/oauth/authorize", self._authorize), web.post("/oauth/token", self._token)]

    async def stop(self) -> None:
        self._release.set()  # a deliberately hanging token answer ends now
        await super().stop()

    # -- test controls ---------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        name: str,
        email: str,
        *,
        company_id: int = ACME_COMPANY_ID,
        company_domain: str = "acme",
        company_name: str | None = None,
    ) -> StandInUser:
        """A user who can connect; the first one added is the `consenting_user`."""
        user = StandInUser(
            id=user_id,
            name=name,
            email=email,
            company_id=company_id,
            company_domain=company_domain,
            company_name=company_name or company_domain.capitalize(),
        )
        self._users[user_id] = user
        if self.consenting_user is None:
            self.consenting_user = user_id
        return user

    def deny_next(self) -> None:
        """The next authorization is cancelled: the callback gets `error=access_denied`."""
        self._deny_next = True

    def expire_access_tokens(self, user_id: int) -> None:
        """The user's access tokens issued so far stop working at the API (401)."""
        for token in self._access.values():
            if token.user_id == user_id:
                token.expires_at = float("-inf")

    def refuse_refresh(self, user_id: int) -> None:
        """The user's refresh tokens issued so far are revoked (`invalid_grant`)."""
        self._refresh = {token: owner for token, owner in self._refresh.items() if owner != user_id}

    def hide(self, person_id: int, from_user_id: int) -> None:
        """Reads with that user's token do not find the person (visibility groups)."""
        self._hidden.setdefault(from_user_id, set()).add(person_id)

    def rename(self, person_id: int, name: str, *, company_id: int) -> None:
        """Reads with tokens of that company's users find the person under this name."""
        self._names[(company_id, person_id)] = name

    def fail_next_token_request(
        self, status: int = 503, raw: bytes = b"Service Unavailable", *, hang: bool = False
    ) -> None:
        """The next `POST /oauth/token` answers `status` with body `raw`, or with `hang` never
        answers (until the stand-in stops)."""
        self._token_failure = _TokenFailure(status=status, raw=raw, hang=hang)

    def user_of(self, seen: SeenRequest) -> int | None:
        """Whose access token a request the API stand-in recorded carried (expired or not)."""
        token = _bearer(_header(seen.headers, "authorization"))
        found = self._access.get(token) if token else None
        return found.user_id if found else None

    async def send_uninstall(
        self, user_id: int, *, to: str | None = None, client_secret: str | None = None
    ) -> int:
        """Pipedrive's uninstall notice: `DELETE` to the callback URL with the app's HTTP Basic
        credentials and a JSON body; the user's tokens stop working. Returns the app's status.
        """
        target = to or self.redirect_uri
        if target is None:
            raise ValueError("no callback URL: give `to` or the stand-in's redirect_uri")
        user = self._users[user_id]
        self.expire_access_tokens(user_id)
        self.refuse_refresh(user_id)
        body = {
            "client_id": self.client_id,
            "company_id": user.company_id,
            "user_id": user.id,
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        credentials = f"{self.client_id}:{client_secret or self.client_secret}".encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Basic {base64.b64encode(credentials).decode()}",
        }
        async with (
            aiohttp.ClientSession() as session,
            session.delete(target, data=json.dumps(body), headers=headers) as answer,
        ):
            return answer.status

    # -- the API stand-in's hook -----------------------------------------------------------

    def user_for(self, authorization: str | None) -> StandInUser | None:
        """The user a live bearer token belongs to; None for anything else."""
        token = _bearer(authorization)
        found = self._access.get(token) if token else None
        if found is None or found.expires_at <= self.clock():
            return None
        return self._users.get(found.user_id)

    def answer_bearer(
        self, path: str, query: Mapping[str, str], authorization: str | None, answer: RecordAnswer
    ) -> tuple[int, Any]:
        """The API's answer to a request made with a bearer token, as that user sees it."""
        user = self.user_for(authorization)
        if user is None:
            return 401, UNAUTHORIZED
        if path == "/api/v1/users/me":
            return 200, {"success": True, "data": self._me(user)}
        hidden = self._hidden.get(user.id, set())
        person = _PERSON_PATH.match(path)
        if person and int(person.group(1)) in hidden:
            return 404, NOT_FOUND
        status, body = self._in_company(user.company_id, path, *answer(path, query))
        if status != 200 or not hidden or not isinstance(body, dict):
            return status, body
        if path in _PERSON_LISTS and isinstance(body.get("data"), list):
            kept = [item for item in body["data"] if _id(item) not in hidden]
            return status, {**body, "data": kept}
        data = body.get("data")
        if SEARCH_PATH.match(path) and isinstance(data, dict):
            items = data.get("items") or []
            kept = [hit for hit in items if _id(_item(hit)) not in hidden]
            return status, {**body, "data": {**data, "items": kept}}
        return status, body

    def _in_company(self, company_id: int, path: str, status: int, body: Any) -> tuple[int, Any]:
        """The answer with the persons that company renamed under their names there."""
        names = {
            person: name for (company, person), name in self._names.items() if company == company_id
        }
        if status != 200 or not names or not isinstance(body, dict):
            return status, body
        data = body.get("data")
        if _PERSON_RECORD.match(path) and isinstance(data, dict):
            return status, {**body, "data": _renamed(data, names)}
        if path in _PERSON_LISTS and isinstance(data, list):
            return status, {**body, "data": [_renamed(item, names) for item in data]}
        return status, body

    def _me(self, user: StandInUser) -> dict[str, Any]:
        me = copy.deepcopy(self._me_template)
        me.update(
            id=user.id,
            name=user.name,
            email=user.email,
            company_id=user.company_id,
            company_domain=user.company_domain,
            company_name=user.company_name,
            is_you=True,
        )
        return me

    # -- serving ---------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="Invalid client: client is invalid")
        redirect = query.get("redirect_uri")
        if not redirect or (self.redirect_uri is not None and redirect != self.redirect_uri):
            return web.Response(status=400, text="Invalid request: redirect_uri is invalid")
        params: dict[str, str] = {}
        if self._deny_next:
            self._deny_next = False
            params["error"] = "access_denied"
        elif self.consenting_user in self._users:
            code = secrets.token_hex(20)
            self._codes[code] = _Code(
                user_id=self.consenting_user, redirect_uri=redirect, issued_at=self.clock()
            )
            params["code"] = code
        else:
            return web.Response(status=400, text="nobody to consent: add_user() first")
        if "state" in query:
            params["state"] = query["state"]
        raise web.HTTPFound(str(URL(redirect).update_query(params)))

    async def _token(self, request: web.Request) -> web.StreamResponse:
        form = {
            key: value for key, value in (await request.post()).items() if isinstance(value, str)
        }
        self.token_requests.append(
            SeenTokenRequest(headers=dict(request.headers), query=dict(request.query), form=form)
        )
        failure, self._token_failure = self._token_failure, None
        if failure is not None:
            if failure.hang:
                await self._release.wait()
            return web.Response(status=failure.status, body=failure.raw)
        if request.content_type != FORM:
            return _error(400, "invalid_request", f"Invalid request: content must be {FORM}")
        credentials = basic_credentials(request.headers.get("Authorization"))
        if credentials is None:
            return _error(
                401, "invalid_client", "Invalid client: cannot retrieve client credentials"
            )
        if credentials != (self.client_id, self.client_secret):
            return _error(401, "invalid_client", "Invalid client: client is invalid")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange_code(form)
        if grant == "refresh_token":
            return self._refresh_tokens(form)
        if not grant:
            return _error(400, "invalid_request", "Missing parameter: grant_type")
        return _error(
            400, "unsupported_grant_type", "Unsupported grant type: grant_type is invalid"
        )

    def _exchange_code(self, form: Mapping[str, str]) -> web.Response:
        code = self._codes.pop(form.get("code", ""), None)  # single-use, even when refused
        if code is None:
            return _error(400, "invalid_grant", "Invalid grant: authorization_code is invalid")
        if self.clock() - code.issued_at > CODE_LIFETIME:
            return _error(400, "invalid_grant", "Invalid grant: authorization_code has expired")
        if form.get("redirect_uri") != code.redirect_uri:
            return _error(400, "invalid_request", "Invalid request: redirect_uri is invalid")
        self.codes_exchanged += 1
        return web.json_response(self._issue(code.user_id, new_refresh_token=True))

    def _refresh_tokens(self, form: Mapping[str, str]) -> web.Response:
        token = form.get("refresh_token", "")
        user_id = self._refresh.get(token)
        if user_id is None:
            return _error(400, "invalid_grant", "Invalid grant: refresh_token is invalid")
        self.refreshes += 1
        if self.rotate_refresh_tokens:
            del self._refresh[token]
        return web.json_response(self._issue(user_id, new_refresh_token=self.rotate_refresh_tokens))

    def _issue(self, user_id: int, *, new_refresh_token: bool) -> dict[str, Any]:
        access = f"v1u:standin-{secrets.token_urlsafe(24)}"
        self._access[access] = _AccessToken(
            user_id=user_id, expires_at=self.clock() + self.expires_in
        )
        answer: dict[str, Any] = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "scope": self.scope,
            "api_domain": self._api_domain(user_id),
        }
        if new_refresh_token:
            refresh = f"{user_id}:1:{secrets.token_hex(20)}"
            self._refresh[refresh] = user_id
            answer["refresh_token"] = refresh
        return answer

    def _api_domain(self, user_id: int) -> str:
        if self.api_domain is not None:
            return self.api_domain
        if self.api is not None:
            return self.api.url
        return f"https://{self._users[user_id].company_domain}.pipedrive.com"


def _renamed(record: Any, names: Mapping[int, str]) -> Any:
    if isinstance(record, dict) and _id(record) in names:
        return {**record, "name": names[_id(record)]}
    return record


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"success": False, "error": code, "message": message}, status=status)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _id(record: Any) -> Any:
    return record.get("id") if isinstance(record, dict) else None


def _item(hit: Any) -> Any:
    return hit.get("item") if isinstance(hit, dict) else None
