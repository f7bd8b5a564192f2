"""Async Pipedrive client: typed errors and the domain model, nothing Slack."""

from bot.domain import (
    Activity,
    ActivityCounts,
    Contact,
    DealCounts,
    Organization,
    Person,
    Picture,
    SearchHit,
    User,
)
from bot.pipedrive.client import ApiTokenAuth, ApiVersion, CurrentUser, PipedriveClient
from bot.pipedrive.errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveBadRequest,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)

__all__ = [
    "Activity",
    "ActivityCounts",
    "ApiTokenAuth",
    "ApiVersion",
    "Contact",
    "CurrentUser",
    "DealCounts",
    "Organization",
    "Person",
    "PersonNotFound",
    "Picture",
    "PipedriveAuthError",
    "PipedriveBadRequest",
    "PipedriveClient",
    "PipedriveError",
    "PipedriveForbidden",
    "PipedriveNotFound",
    "PipedriveRateLimited",
    "PipedriveUnavailable",
    "SearchHit",
    "User",
]
