"""OAuth `state`s for "Connect Pipedrive": signed, expiring after 10 minutes, usable once.

The state travels through the browser (Pipedrive's authorize URL and its redirect back), so it
carries only a random nonce, its expiry and an HMAC of both. What it stands for (the Slack team
and user who asked, and the `response_url` to answer their waiting lookup on) stays on the
server, in the shared state, under the nonce; redeeming it claims the nonce, so a state works
once even across several processes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bot.store.shared_state import SharedState

STATE_TTL_SECONDS = 600


@dataclass(frozen=True)
class PendingConnect:
    """Who asked to connect, and the lookup to answer once they have."""

    team_id: str
    user_id: str
    enterprise_id: str | None = None
    response_url: str | None = None  # the command's, valid for 30 minutes
    query: str | None = None  # the `/person` text that asked


class OAuthStates:
    def __init__(
        self,
        key: bytes,
        state: SharedState,
        *,
        ttl: int = STATE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # A key of its own for states, derived so it never equals the token encryption key.
        self._key = hashlib.sha256(b"pipedrive-oauth-state\0" + key).digest()
        self._state = state
        self._ttl = ttl
        self._clock = clock

    async def issue(self, pending: PendingConnect) -> str:
        nonce = secrets.token_urlsafe(18)
        expires = int(self._clock()) + self._ttl
        payload = json.dumps(asdict(pending)).encode()
        await self._state.set(f"oauth-pending:{nonce}", payload, self._ttl)
        body = f"{nonce}.{expires}"
        return f"{body}.{self._sign(body)}"

    async def redeem(self, state: str) -> PendingConnect | None:
        """What the state stands for, once; None for a forged, expired, reused or unknown one."""
        parts = state.split(".")
        if len(parts) != 3 or len(state) > 200:
            return None
        nonce, expires, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{nonce}.{expires}")):
            return None
        if not expires.isdigit() or int(expires) < self._clock():
            return None
        if not await self._state.claim(f"oauth-used:{nonce}", self._ttl):
            return None
        payload = await self._state.get(f"oauth-pending:{nonce}")
        await self._state.delete(f"oauth-pending:{nonce}")
        if payload is None:
            return None
        try:
            return PendingConnect(**json.loads(payload))
        except (ValueError, TypeError):
            return None

    def _sign(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
