"""The client the Pipedrive tests use: one company, one token, one try per request."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bot.pipedrive import ApiVersion, PipedriveClient
from bot.pipedrive.client import RetryPolicy

ORIGIN = "https://acme.pipedrive.com"
TOKEN = "0123456789abcdef-secret-token-value"


def client_for(
    version: ApiVersion = "v2", *, origin: str = ORIGIN, token: str = TOKEN, **kwargs: Any
) -> PipedriveClient:
    # One try each: these tests are about how one answer maps (test_retries.py tries again).
    kwargs.setdefault("retry", RetryPolicy(attempts=1))
    return PipedriveClient(origin=origin, api_token=SecretStr(token), api_version=version, **kwargs)
