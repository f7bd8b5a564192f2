"""The forms the app opened, so that only those are taken, each written once.

Opening a form keeps a session in the shared state under a random nonce: which form, for which
Slack user, about which person, and what the form offered (activity types) or will need (the
user's time zone and name). The form's `private_metadata` carries only the person id and that
nonce. A submission whose metadata does not parse, names no session, or does not match it (other
form, other user, other person) was not opened by the app and is refused.

Exactly once: a submission claims its session's current attempt before writing, so a double
click or a resubmitted view writes once. A write Pipedrive refused outright opens the next
attempt, so the user can send the form again.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.cards.query import parse_person_id
from bot.store.shared_state import SharedState

# How long a form may stay open and still be taken.
SESSION_TTL = 12 * 3600.0
_METADATA = re.compile(r"^([0-9]{1,16})?\.([A-Za-z0-9_-]{22,64})$")


class ModalSession(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    nonce: str
    form: str  # the view's callback_id
    user: str
    person_id: int | None = None  # None: the user picks the person in the form
    time_zone: str | None = None
    user_name: str | None = None
    activity_types: dict[str, str] = {}
    attempt: int = 0

    @property
    def metadata(self) -> str:
        """The form's `private_metadata`: the person id and the nonce, nothing else."""
        return f"{self.person_id or ''}.{self.nonce}"


class ModalSessions:
    def __init__(self, state: SharedState, *, ttl: float = SESSION_TTL) -> None:
        self._state = state
        self._ttl = ttl

    async def open(self, *, form: str, user: str, **facts: Any) -> ModalSession:
        """A new session for a form about to be shown to `user` (`facts`: the other fields)."""
        session = ModalSession(nonce=secrets.token_urlsafe(24), form=form, user=user, **facts)
        await self._keep(session)
        return session

    async def find(self, view: dict[str, Any], *, user: str) -> ModalSession | None:
        """The session of a submitted `view`, if the app opened it for `user`; else None."""
        metadata = view.get("private_metadata")
        parsed = _METADATA.match(metadata) if isinstance(metadata, str) else None
        if parsed is None:
            return None
        person_id = parse_person_id(parsed.group(1)) if parsed.group(1) else None
        if parsed.group(1) and person_id is None:
            return None
        raw = await self._state.get(_key(parsed.group(2)))
        if raw is None:
            return None
        try:
            session = ModalSession.model_validate_json(raw)
        except ValidationError:
            return None
        same = (session.form, session.user, session.person_id) == (
            view.get("callback_id"),
            user,
            person_id,
        )
        return session if same else None

    async def claim(self, session: ModalSession) -> bool:
        """True for the first submission of this attempt; False for a repeat of it."""
        return await self._state.claim(f"{_key(session.nonce)}:{session.attempt}", self._ttl)

    async def allow_another_try(self, session: ModalSession) -> None:
        """After a write Pipedrive refused outright: the form may be sent again."""
        await self._keep(session.model_copy(update={"attempt": session.attempt + 1}))

    async def _keep(self, session: ModalSession) -> None:
        await self._state.set(_key(session.nonce), session.model_dump_json().encode(), self._ttl)


def _key(nonce: str) -> str:
    return f"modal:{nonce}"
