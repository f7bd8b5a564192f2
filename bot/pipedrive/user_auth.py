"""One Pipedrive user's OAuth access, for their requests: bearer token and `api_domain`.

Before each request the token is asked of `current(force=False)` (which renews it when it is
about to expire); when Pipedrive still answers 401, once more with `force=True` and the request
is sent again. Pipedrive's `api_domain` can change with a new token, so each request goes to the
origin that came with its token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass

import httpx
from pydantic import SecretStr


@dataclass(frozen=True)
class UserAccess:
    origin: str  # Pipedrive's `api_domain` for this token, e.g. https://acme.pipedrive.com
    token: SecretStr

    def __repr__(self) -> str:
        return f"UserAccess(origin={self.origin!r}, token='**********')"


CurrentAccess = Callable[[bool], Awaitable[UserAccess]]


class UserAuth(httpx.Auth):
    def __init__(self, current: CurrentAccess) -> None:
        self._current = current

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        _apply(request, await self._current(False))
        response = yield request
        if response.status_code == 401:
            _apply(request, await self._current(True))
            yield request

    def __repr__(self) -> str:
        return "UserAuth(token='**********')"


def _apply(request: httpx.Request, access: UserAccess) -> None:
    origin = httpx.URL(access.origin)
    request.url = request.url.copy_with(scheme=origin.scheme, host=origin.host, port=origin.port)
    request.headers["Host"] = origin.netloc.decode("ascii")
    request.headers["Authorization"] = f"Bearer {access.token.get_secret_value()}"
