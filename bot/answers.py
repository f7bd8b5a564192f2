"""From a person id to the message to send: the card, or the words for what went wrong."""

from __future__ import annotations

import logging

from blocks import Message, failure_message, person_card, person_card_text

from .people import PeopleService
from .pipedrive import PersonNotFound, PipedriveError, PipedriveRateLimited

log = logging.getLogger(__name__)


async def person_answer(
    people: PeopleService, person_id: int, *, company_domain: str, reference: str
) -> tuple[Message, str]:
    """The card for `person_id`, or a failure message; with an outcome word for the log."""
    try:
        person = await people.person_card(person_id)
    except PipedriveError as error:
        if not isinstance(error, PersonNotFound | PipedriveRateLimited):
            log.warning("request_id=%s person %s: %s", reference, person_id, error)
        message = failure_message(error, person_id=person_id, reference=reference)
        return message, _outcome(error)
    blocks = person_card(person, company_domain=company_domain)
    return Message(text=person_card_text(person), blocks=blocks), "card"


def _outcome(error: PipedriveError) -> str:
    # "PipedriveRateLimited" -> "rate_limited", "PersonNotFound" -> "person_not_found"
    name = type(error).__name__.removeprefix("Pipedrive")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
