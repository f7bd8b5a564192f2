"""One hierarchy for everything that can go wrong talking to Pipedrive.

Messages name the API path, never the token, and never carry the response body.
"""

from __future__ import annotations


class PipedriveError(Exception):
    """Base class: catch this to handle any Pipedrive failure."""


class PipedriveNotFound(PipedriveError):
    """404 or 410: the record does not exist or is no longer accessible."""


class PersonNotFound(PipedriveNotFound):
    """The person asked for does not exist (or was purged)."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"person {person_id} not found")
        self.person_id = person_id


class PipedriveAuthError(PipedriveError):
    """401: Pipedrive rejected the API token."""


class PipedriveForbidden(PipedriveError):
    """402 or 403: the account is not open, or the token may not read this."""


class PipedriveBadRequest(PipedriveError):
    """400: Pipedrive refused the request itself (a list read with an id it will not take)."""


class PipedriveRateLimited(PipedriveError):
    """429, or the burst limit leaves no turn in time: `retry_after` is how many seconds to wait.

    Every 429 is the per-token burst limit: no documented header says that the company's daily
    token budget is spent (`x-daily-requests-left` counts POST/PUT requests only).
    """

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PipedriveUnavailable(PipedriveError):
    """5xx, timeouts, connection errors, bodies that are not JSON or too large, or
    `success: false` on 200.

    `retryable` is True where asking again may well work (502/503/504, a failed connection).
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class PipedriveMissingScope(PipedriveForbidden):
    """403 "Scope and URL mismatch": the OAuth app was not granted the scope this call needs
    (writing notes needs `contacts:full`, activities `activities:full`)."""
