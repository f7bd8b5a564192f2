"""The "Save to Pipedrive" form's person picker: its options, searched as the user types
(`block_suggestion`). Only a form the app opened for this user is searched for."""

from __future__ import annotations

from typing import Any

from blocks import person_options
from bot.cards.connections import Viewer
from bot.cards.lookup import outcome
from bot.cards.query import parse_search_term
from bot.domain import Failure
from bot.slack.dependencies import Dependencies
from bot.slack.modal_sessions import ModalSessions


async def suggested_people(
    deps: Dependencies, suggestion: dict[str, Any], *, viewer: Viewer, reference: str
) -> tuple[list[dict[str, Any]], str]:
    """The options for what was typed, and the log's outcome word."""
    view = suggestion.get("view")
    opened = isinstance(view, dict) and await ModalSessions(deps.state).find(
        view, user=viewer.user_id
    )
    if not opened:
        return [], "not_opened_by_app"
    query = parse_search_term(suggestion.get("value"))
    if query is None:
        return [], "invalid_input"
    found = await deps.lookup.people(query.term, viewer, exact=query.exact, reference=reference)
    if isinstance(found, Failure):
        return [], outcome(found)
    return person_options(found), "options" if found else "no_match"
