"""Pipedrive's errors as the `Failure` values the use case answers with, in one place."""

from __future__ import annotations

import logging

from bot.domain import Failure, FailureKind
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)

log = logging.getLogger(__name__)


def failure(error: PipedriveError, person_id: int | None, reference: str) -> Failure:
    """The `Failure` a Pipedrive error is, logged unless it is an everyday one."""
    kind = next((kind for cls, kind in _KINDS if isinstance(error, cls)), FailureKind.BAD_REQUEST)
    if kind not in (FailureKind.NOT_FOUND, FailureKind.RATE_LIMITED):
        log.warning("request_id=%s person %s: %s", reference, person_id, error)
    retry_after = error.retry_after if isinstance(error, PipedriveRateLimited) else None
    return Failure(kind, person_id=person_id, retry_after=retry_after, reference=reference)


# Most specific first; any other Pipedrive error is a request Pipedrive refused (HTTP 400).
_KINDS: tuple[tuple[type[PipedriveError], FailureKind], ...] = (
    (PipedriveNotFound, FailureKind.NOT_FOUND),
    (PipedriveAuthError, FailureKind.AUTH),
    (PipedriveForbidden, FailureKind.FORBIDDEN),
    (PipedriveRateLimited, FailureKind.RATE_LIMITED),
    (PipedriveUnavailable, FailureKind.UNAVAILABLE),
)
