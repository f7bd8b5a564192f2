"""Pipedrive's published token cost (`x-token-cost`) of each request the app makes.

Source: Pipedrive's official OpenAPI files, snapshots of 2026-08-18 (`openapi-v2.yaml`,
`openapi-v1.yaml`) and, for the deprecated v1 reads of persons, organizations, activities and
searches, of 2026-01-14; collected in the project's shared reference `token-costs.json`. A
request the table does not know costs nothing here and is counted in `unpriced`.
"""

from __future__ import annotations

import re

_ID = r"[0-9]+"
COSTS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(f"/api/{path}"), cost)
    for path, cost in (
        # v2: a single record 1, a list (`?ids=`, up to 100) 10, a search 20.
        (f"v2/persons/{_ID}", 1),
        (f"v2/persons/{_ID}/picture", 1),
        ("v2/persons", 10),
        ("v2/persons/search", 20),
        (f"v2/organizations/{_ID}", 1),
        ("v2/organizations", 10),
        (f"v2/activities/{_ID}", 1),
        ("v2/activities", 10),
        ("v2/personFields", 10),
        # v1: users and activity types have no v2 endpoint.
        (f"v1/users/{_ID}", 2),
        ("v1/users/me", 2),
        ("v1/activityTypes", 20),
        ("v1/personFields", 20),
        (f"v1/persons/{_ID}", 2),
        ("v1/persons/search", 40),
        (f"v1/organizations/{_ID}", 2),
        (f"v1/activities/{_ID}", 2),
    )
)


def token_cost(path: str) -> int | None:
    """The tokens a GET of `path` costs, or None for a path the table does not know."""
    for pattern, cost in COSTS:
        if pattern.fullmatch(path):
            return cost
    return None
