"""The pick list a search answers with when it finds several persons: one row and button each.

Each row is its own section with the button as its accessory, so the one action id
`show_person` is unique within every block; the button's value is only the person id.
"""

from __future__ import annotations

from bot.domain import SearchHit, SearchResults

from .kit import Block, button, context, section
from .message import Message
from .text import mrkdwn, one_line

SHOW_PERSON_ACTION_ID = "show_person"
ROWS_MAX = 10  # a pick list longer than this is no help; the search should be narrower
TERM_MAX = 100
NAME_MAX = 150
ORGANIZATION_MAX = 150
EMAIL_MAX = 254
SEPARATOR = " · "


def search_results_message(found: SearchResults) -> Message:
    """Several persons matched the term: a row per person (at most 10) with a "Show" button.

    `found.more`: Pipedrive found more than the persons given, so the list says to refine.
    """
    hits, term = found.hits, found.term
    shown = hits[:ROWS_MAX]
    more = found.more or len(hits) > len(shown)
    quoted = f"“{mrkdwn(term, TERM_MAX)}”"
    if more:
        title = f"More than {len(shown)} people match {quoted}. Here are the first {len(shown)}:"
    elif len(shown) == 1:
        title = f"1 person matches {quoted}:"
    else:
        title = f"{len(shown)} people match {quoted}. Pick one to see their card:"
    blocks: list[Block] = [section(title)]
    blocks += [_row(hit) for hit in shown]
    if more:
        blocks.append(
            context([f"Showing the first {len(shown)}: refine your search to narrow it."])
        )
    return Message(text=title, blocks=blocks)


def _row(hit: SearchHit) -> Block:
    parts = [f"*{mrkdwn(one_line(hit.name) or f'Person {hit.id}', NAME_MAX)}*"]
    if organization := one_line(hit.organization_name):
        parts.append(mrkdwn(organization, ORGANIZATION_MAX))
    if email := one_line(hit.primary_email):
        parts.append(mrkdwn(email, EMAIL_MAX))
    show = button("Show", action_id=SHOW_PERSON_ACTION_ID, value=str(hit.id))
    return section(SEPARATOR.join(parts), accessory=show)
