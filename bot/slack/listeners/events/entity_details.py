"""`entity_details_requested`: a viewer opened a person's Work Object; fill the details pane.

The pane is asked for per viewer, so it shows what that viewer may see: read as them (their own
token in oauth mode), a connect prompt if they have not connected, `restricted` for a guest
with one shared token, and `not_found` or `restricted` for a person Pipedrive hides from them.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from blocks import details_error, person_details_entity
from bot.cards.connections import Viewer
from bot.cards.lookup import outcome
from bot.cards.oauth_states import PendingConnect
from bot.cards.query import parse_person_id, parse_person_link
from bot.domain import Failure, FailureKind, PersonCard
from bot.logs import RequestRecord
from bot.slack.context import listener
from bot.slack.dependencies import Dependencies

_ERRORS: dict[FailureKind, tuple[str, str]] = {
    FailureKind.NOT_FOUND: ("not_found", "Not found in Pipedrive, or not visible to you there."),
    FailureKind.FORBIDDEN: ("restricted", "Pipedrive does not let you see this person."),
    FailureKind.RATE_LIMITED: ("timeout", "Pipedrive is busy; try again in a moment."),
    FailureKind.UNAVAILABLE: ("timeout", "Pipedrive is unavailable or slow right now."),
    FailureKind.AUTH: ("internal_error", "Pipedrive refused the app's access; tell an admin."),
    FailureKind.BAD_REQUEST: ("internal_error", "Pipedrive refused the request."),
    FailureKind.BUG: ("internal_error", "Something went wrong on the app's side."),
    FailureKind.NOT_CONNECTED: ("restricted", "Connect Pipedrive to see this person."),
}


@listener
async def present_person_details(
    event: dict[str, Any],
    client: AsyncWebClient,
    deps: Dependencies,
    record: RequestRecord,
    viewer: Viewer,
) -> None:
    trigger_id = str(event.get("trigger_id", ""))
    person_id = details_person_id(event, deps.company_domain)
    if person_id is None:
        record.outcome = "not_a_person"
        await _present(
            client, trigger_id, error=details_error("not_found", "Not a Pipedrive person.")
        )
        return
    record.details["person_id"] = person_id
    answer = await deps.lookup.person(person_id, viewer, reference=record.request_id)
    record.outcome = outcome(answer)
    if isinstance(answer, PersonCard):
        metadata = person_details_entity(answer, company_domain=deps.company_domain)
        await _present(client, trigger_id, metadata=metadata)
    elif answer.kind is FailureKind.NOT_CONNECTED and deps.connections is not None:
        pending = PendingConnect(viewer.team_id, viewer.user_id, viewer.enterprise_id)
        url = await deps.connections.connect_url(pending)
        await _present(client, trigger_id, user_auth_required=True, user_auth_url=url)
    else:
        await _present(client, trigger_id, error=_error(answer))


def details_person_id(event: dict[str, Any], company_domain: str) -> int | None:
    """The person the pane is for: `external_ref.id`, else parsed from the entity's URL."""
    ref = event.get("external_ref")
    if isinstance(ref, dict) and ref.get("type") in (None, "person"):
        person_id = parse_person_id(ref.get("id"))
        if person_id is not None:
            return person_id
    for key in ("entity_url", "app_unfurl_url"):
        url = event.get(key)
        if isinstance(url, str) and (person_id := parse_person_link(url, company_domain)):
            return person_id
    return None


def _error(failure: Failure) -> dict[str, Any]:
    status, message = _ERRORS[failure.kind]
    return details_error(status, message)  # type: ignore[arg-type]


async def _present(client: AsyncWebClient, trigger_id: str, **answer: Any) -> None:
    try:
        await client.entity_presentDetails(trigger_id=trigger_id, **answer)
    except SlackApiError as error:
        raise DetailsRefused(str(error.response.get("error"))) from None


class DetailsRefused(Exception):
    """Slack did not take the details (an expired trigger, metadata it would not take)."""
