"""An answer of the use case as the message that says it: a card, a pick list or a failure."""

from __future__ import annotations

from datetime import datetime

from bot.domain import CardDetail, Failure, PersonCard, SearchResults

from .message import Message
from .messages import failure_message, no_match_message
from .person_card import person_card, person_card_text
from .search_results import search_results_message


def card_message(
    card: PersonCard,
    *,
    company_domain: str,
    actions: bool = True,
    shared_by: str | None = None,
    fetched_at: datetime | None = None,
    detail: CardDetail = "full",
) -> Message:
    """The `/person` card (with its buttons unless `actions=False`) as a message."""
    blocks = person_card(
        card,
        company_domain=company_domain,
        detail=detail,
        actions=actions and shared_by is None,
        shared_by=shared_by,
        fetched_at=fetched_at,
    )
    return Message(text=person_card_text(card), blocks=blocks)


def answer_message(
    answer: PersonCard | SearchResults | Failure,
    *,
    company_domain: str,
    fetched_at: datetime | None = None,
) -> Message:
    """What the asker sees: the card, the pick list (or "no person matches"), or the failure."""
    match answer:
        case PersonCard():
            return card_message(answer, company_domain=company_domain, fetched_at=fetched_at)
        case SearchResults(hits=()):
            return no_match_message(answer.term)
        case SearchResults():
            return search_results_message(answer)
        case Failure():
            return failure_message(answer)
