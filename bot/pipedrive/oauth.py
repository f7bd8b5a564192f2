"""Pipedrive OAuth 2.0 for one app: connect a user, refresh their tokens, know who they are.

`PipedriveOAuth` speaks to the OAuth server (`https://oauth.pipedrive.com`): the authorize URL a
user is sent to, the code exchange and the refresh. The client secret travels only in the HTTP
Basic header, tokens and codes only in form bodies and the `Authorization` header; no message,
repr or log line here ever carries one. `verify_basic_auth` and `parse_uninstall_notice` check
the app-uninstall notice Pipedrive sends to the callback URL.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

from bot.pipedrive.wire import LooseInt, LooseStr, WireModel

OAUTH_URL = "https://oauth.pipedrive.com"
TOKEN_PATH = "/oauth/token"
AUTHORIZE_PATH = "/oauth/authorize"
DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=10.0, write=5.0, pool=2.0)
# An uninstall notice is a handful of fields; anything far bigger is not one.
MAX_NOTICE_BYTES = 16_384
# RFC 6749 error codes are short snake_case words; anything else from a body is not repeated.
_ERROR_CODE = re.compile(r"^[a-z][a-z_]{1,39}$")
# Pipedrive's documented messages ("Invalid grant: refresh_token is invalid") name the code.
_MESSAGE_CODE = re.compile(r"^([A-Za-z ]{3,40}):")


# -- errors ----------------------------------------------------------------------------------


class OAuthError(Exception):
    """Base class: connecting, refreshing or identifying a user failed.

    Messages name the endpoint and the status, never a token, a code or the client secret.
    """


class OAuthRefused(OAuthError):
    """4xx: the code, refresh token or access token is no good; the user must connect again.

    `error` is the OAuth error code when the answer names one (`invalid_grant` for a used,
    expired or revoked code or refresh token; `invalid_client` for wrong app credentials,
    which is a configuration problem rather than the user's), else None.
    """

    def __init__(self, message: str, *, status: int, error: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class OAuthUnavailable(OAuthError):
    """5xx, 429, timeouts, connection errors, redirects, bodies that are not what was asked."""


# -- tokens ----------------------------------------------------------------------------------


def api_origin(value: str) -> str:
    """`value` as a bare origin (`https://acme.pipedrive.com`), or ValueError.

    Only https, or plain http to 127.0.0.1 (the loopback stand-ins); no credentials, path,
    query or fragment, so that nothing but the origin decides where a bearer token goes.
    """
    try:
        parts = urlsplit(value)
        port = parts.port  # ValueError for a port that is not a number in range
    except ValueError:
        raise ValueError("not a URL") from None
    host = parts.hostname or ""
    if parts.scheme == "https":
        pass
    elif parts.scheme == "http" and host == "127.0.0.1":
        pass
    else:
        raise ValueError("must be https:// (or http://127.0.0.1 for a local stand-in)")
    if not host or "@" in parts.netloc:
        raise ValueError("must name a host and no credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("must be an origin, without path, query or fragment")
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    netloc = shown if port is None else f"{shown}:{port}"
    return f"{parts.scheme}://{netloc}"


class TokenSet(BaseModel):
    """One Pipedrive user's tokens in one company, as the OAuth server granted them."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr
    expires_at: datetime
    scope: str
    api_domain: str  # where to call the API with this token, e.g. https://acme.pipedrive.com

    @field_validator("expires_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone")
        return value.astimezone(UTC)

    @field_validator("api_domain")
    @classmethod
    def _origin(cls, value: str) -> str:
        return api_origin(value)

    @property
    def scopes(self) -> frozenset[str]:
        """The granted scopes (Pipedrive separates them with commas; spaces accepted too)."""
        return frozenset(part for part in re.split(r"[,\s]+", self.scope) if part)

    def expires_within(self, seconds: float, *, now: datetime | None = None) -> bool:
        """True when the access token is expired or will be within `seconds`."""
        moment = now if now is not None else datetime.now(UTC)
        return self.expires_at - timedelta(seconds=seconds) <= moment


class BearerAuth(httpx.Auth):
    """Sends an OAuth access token as `Authorization: Bearer …`; never shows it."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(token='**********')"


class OAuthUser(WireModel):
    """`GET /api/v1/users/me` with a user's token: who connected, in which company."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int
    name: LooseStr = None
    email: LooseStr = None
    company_id: LooseInt = None
    company_domain: LooseStr = None
    company_name: LooseStr = None


class _WireTokens(WireModel):
    """The token endpoint's JSON answer; what is checked here is what the app relies on."""

    access_token: str
    refresh_token: str | None = None
    token_type: str | None = None
    expires_in: int
    scope: LooseStr = None
    api_domain: str

    @field_validator("access_token")
    @classmethod
    def _present(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty")
        return value

    @field_validator("expires_in")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be positive")
        return value


# -- the OAuth client ------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PipedriveOAuth:
    """The app's side of Pipedrive's authorization-code flow, for any number of users."""

    def __init__(
        self,
        *,
        oauth_url: str,
        client_id: str,
        client_secret: SecretStr,
        redirect_uri: str,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._oauth_url = api_origin(oauth_url)
        self._client_id = client_id
        self._client_secret = client_secret
        self._redirect_uri = redirect_uri
        self._clock = clock
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def client_secret(self) -> SecretStr:
        return self._client_secret

    def __repr__(self) -> str:
        return f"PipedriveOAuth(oauth_url={self._oauth_url!r}, client_id={self._client_id!r})"

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
        """Closes the HTTP client if this object made it (one passed in stays open)."""
        if self._owns_http:
            await self._http.aclose()

    def authorize_url(self, state: str) -> str:
        """Where to send the user's browser to connect: Pipedrive's consent page."""
        query = urlencode(
            {"client_id": self._client_id, "redirect_uri": self._redirect_uri, "state": state}
        )
        return f"{self._oauth_url}{AUTHORIZE_PATH}?{query}"

    async def exchange_code(self, code: str) -> TokenSet:
        """The tokens for the `code` Pipedrive put in the callback (single-use, 5 minutes)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._redirect_uri,
        }
        wire = await self._token_request(form)
        if not wire.refresh_token:
            raise OAuthUnavailable(f"POST {TOKEN_PATH}: no refresh_token in the answer")
        return self._token_set(wire, SecretStr(wire.refresh_token))

    async def refresh(self, refresh_token: SecretStr) -> TokenSet:
        """New tokens; the refresh token stays the one given unless the answer carries a new one."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
        wire = await self._token_request(form)
        kept = SecretStr(wire.refresh_token) if wire.refresh_token else refresh_token
        return self._token_set(wire, kept)

    async def current_user(self, token: TokenSet) -> OAuthUser:
        """Whom `token` belongs to, asked at the token's own `api_domain`."""
        path = "/api/v1/users/me"
        try:
            response = await self._http.get(
                f"{token.api_domain}{path}",
                auth=BearerAuth(token.access_token),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise _unavailable(f"GET {path}", error) from None
        _raise_for_status(f"GET {path}", response)
        body = _json_object(f"GET {path}", response)
        if body.get("success") is not True:
            raise OAuthUnavailable(f"GET {path}: Pipedrive answered success=false")
        try:
            return OAuthUser.model_validate(body.get("data"))
        except ValidationError:
            raise OAuthUnavailable(f"GET {path}: unexpected response shape") from None

    # -- transport -------------------------------------------------------------------------

    async def _token_request(self, form: dict[str, str]) -> _WireTokens:
        where = f"POST {TOKEN_PATH}"
        try:
            response = await self._http.post(
                f"{self._oauth_url}{TOKEN_PATH}",
                data=form,
                auth=httpx.BasicAuth(self._client_id, self._client_secret.get_secret_value()),
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as error:
            raise _unavailable(where, error) from None
        _raise_for_status(where, response)
        body = _json_object(where, response)
        try:
            wire = _WireTokens.model_validate(body)
        except ValidationError as error:
            # Field names only: the values are tokens.
            fields = sorted({str(detail["loc"][0]) for detail in error.errors() if detail["loc"]})
            raise OAuthUnavailable(f"{where}: unexpected answer ({', '.join(fields)})") from None
        if wire.token_type is not None and wire.token_type.lower() != "bearer":
            raise OAuthUnavailable(f"{where}: token_type is not bearer")
        return wire

    def _token_set(self, wire: _WireTokens, refresh_token: SecretStr) -> TokenSet:
        try:
            return TokenSet(
                access_token=SecretStr(wire.access_token),
                refresh_token=refresh_token,
                expires_at=self._clock() + timedelta(seconds=wire.expires_in),
                scope=wire.scope or "",
                api_domain=wire.api_domain,
            )
        except ValidationError:
            raise OAuthUnavailable(f"POST {TOKEN_PATH}: api_domain is not an origin") from None


def _unavailable(where: str, error: httpx.HTTPError) -> OAuthUnavailable:
    if isinstance(error, httpx.TimeoutException):
        return OAuthUnavailable(f"{where}: timed out ({type(error).__name__})")
    return OAuthUnavailable(f"{where}: {type(error).__name__}")


def _raise_for_status(where: str, response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if 400 <= status < 500 and status not in (408, 429):
        error = _error_code(response)
        shown = f" ({error})" if error else ""
        raise OAuthRefused(f"{where}: HTTP {status}{shown}", status=status, error=error)
    raise OAuthUnavailable(f"{where}: HTTP {status}")


def _error_code(response: httpx.Response) -> str | None:
    """The RFC 6749 error code an error answer names, if it names one; never free text."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):
        code = body.get("error")
        if isinstance(code, str) and _ERROR_CODE.match(code):
            return code
        message = body.get("message")
        if isinstance(message, str) and (match := _MESSAGE_CODE.match(message)):
            derived = "_".join(match.group(1).lower().split())
            if _ERROR_CODE.match(derived):
                return derived
    if response.status_code == 401:
        return "invalid_token" if response.request.method == "GET" else "invalid_client"
    return None


def _json_object(where: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        raise OAuthUnavailable(f"{where}: answer is not JSON") from None
    if not isinstance(body, dict):
        raise OAuthUnavailable(f"{where}: answer is not a JSON object")
    return body


# -- the app-uninstall notice ----------------------------------------------------------------


@dataclass(frozen=True)
class UninstallNotice:
    """`DELETE {callback URL}` from Pipedrive: this user removed the app in this company."""

    company_id: int
    user_id: int
    client_id: str | None = None
    timestamp: str | None = None  # as sent; its format is not documented


def verify_basic_auth(header: str | None, client_id: str, client_secret: SecretStr) -> bool:
    """True when `header` is `Basic base64(client_id:client_secret)`, compared in constant time."""
    secret = client_secret.get_secret_value()
    if not header or not client_id or not secret:
        return False
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = f"{client_id}:{secret}".encode()
    return hmac.compare_digest(given, expected)


class _WireNotice(WireModel):
    company_id: LooseInt = None
    user_id: LooseInt = None
    client_id: LooseStr = None
    timestamp: LooseStr = None


def parse_uninstall_notice(body: bytes) -> UninstallNotice | None:
    """The notice in an uninstall request's JSON body; None for anything that is not one."""
    if len(body) > MAX_NOTICE_BYTES:
        return None
    try:
        wire = _WireNotice.model_validate(json.loads(body))
    except (ValueError, RecursionError, ValidationError):
        return None
    if not wire.company_id or not wire.user_id or wire.company_id < 0 or wire.user_id < 0:
        return None
    return UninstallNotice(
        company_id=wire.company_id,
        user_id=wire.user_id,
        client_id=wire.client_id,
        timestamp=wire.timestamp,
    )
