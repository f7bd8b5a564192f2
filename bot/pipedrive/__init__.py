"""Async Pipedrive client: typed errors and the domain model, nothing Slack."""

from .client import ApiTokenAuth, ApiVersion, CurrentUser, PipedriveClient
from .errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from .models import (
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
    "PipedriveClient",
    "PipedriveError",
    "PipedriveForbidden",
    "PipedriveNotFound",
    "PipedriveRateLimited",
    "PipedriveUnavailable",
    "SearchHit",
    "User",
]
