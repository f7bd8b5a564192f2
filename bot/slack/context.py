"""What every listener is handed, and what is done around every listener, in one place.

`attach(deps)` is the app's one global middleware: it puts the dependencies (as the request's
workspace sees them) and a `RequestRecord` (kind, name, and the Slack user who asked) and the
`Viewer` (whose Pipedrive access reads) into Bolt's context, from where Bolt hands them to any
listener that names `deps`, `record` or `viewer` among its arguments; and it answers an
event Slack delivers again (same `event_id`) without handling it twice.

`@listener` wraps a listener: the answer is counted as in flight (a shutdown waits for it), the
request's one log line is written when it ends, and a bug gets the user an apology with the
reference that is in the log beside the traceback.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, ParamSpec

from slack_bolt.async_app import AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from blocks import access_refused_message, details_error, unexpected_error_message
from bot.cards.connections import Viewer
from bot.logs import RequestRecord, logged_request
from bot.slack.access import Refusal
from bot.slack.delivery import answer_privately
from bot.slack.dependencies import Dependencies

log = logging.getLogger(__name__)

P = ParamSpec("P")
# Slack retries an event three times within minutes; an event id is remembered for an hour.
EVENT_ID_TTL = 3600.0
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[AsyncBoltContext, dict[str, Any], Next], Awaitable[BoltResponse | None]]


def attach(deps: Dependencies) -> Middleware:
    """The global middleware: `deps` and `record` for every listener."""

    async def attach_dependencies(
        context: AsyncBoltContext, body: dict[str, Any], next: Next
    ) -> BoltResponse | None:
        kind, name = describe(body)
        record = RequestRecord(kind=kind, name=name, user=context.user_id or "-")
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await deps.state.claim(
            f"slack-event:{event_id}", EVENT_ID_TTL
        ):
            # Slack redelivers an event it thinks was lost (X-Slack-Retry-Num): handle it once.
            record.outcome = "duplicate_event"
            async with logged_request(record):
                return BoltResponse(status=200, body="")
        team_id = context.team_id or ""
        refusal = (
            await deps.access.refusal(record.user, slack=context.client, team_id=team_id)
            if record.user != "-"
            else None
        )
        if refusal is not None and kind != "?":
            record.outcome = refusal.value
            async with logged_request(record):
                return await refuse(refusal, body, context)
        context["deps"] = await deps.in_workspace(team_id)
        context["record"] = record
        context["viewer"] = Viewer(
            team_id=team_id,
            user_id=context.user_id or "",
            enterprise_id=context.enterprise_id,
        )
        await next()
        return None

    return attach_dependencies


async def refuse(refusal: Refusal, body: dict[str, Any], context: AsyncBoltContext) -> BoltResponse:
    """Answer someone the access rules keep out, in the way the request allows; read nothing."""
    message = access_refused_message(_REASONS[refusal])
    if isinstance(body.get("command"), str):  # a command's ack carries the answer itself
        answer = {"response_type": "ephemeral", **message.as_kwargs()}
        return BoltResponse(
            status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
        )
    event = body.get("event")
    if isinstance(event, dict) and event.get("type") == "entity_details_requested":
        error = details_error("restricted", "You may not see Pipedrive people here.")
        await context.client.entity_presentDetails(
            trigger_id=str(event.get("trigger_id", "")), error=error
        )
    elif isinstance(body.get("response_url"), str):
        await AsyncWebhookClient(body["response_url"]).send(
            response_type="ephemeral", replace_original=False, **message.as_kwargs()
        )
    return BoltResponse(status=200, body="")


_REASONS: dict[Refusal, Literal["guest", "not_in_group", "unverified"]] = {
    Refusal.GUEST: "guest",
    Refusal.NOT_IN_GROUP: "not_in_group",
    Refusal.UNKNOWN_USER: "unverified",
}


def listener(handle: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """Track, log and guard one listener (which must take `deps` and `record`)."""

    @functools.wraps(handle)  # Bolt reads the arguments to pass from the wrapped function
    async def tracked(*args: P.args, **kwargs: P.kwargs) -> None:
        deps: Dependencies = kwargs["deps"]  # type: ignore[assignment]
        record: RequestRecord = kwargs["record"]  # type: ignore[assignment]
        deps.in_flight.track()
        async with logged_request(record):
            try:
                await handle(*args, **kwargs)
            except Exception:
                respond = kwargs.get("respond")
                if isinstance(respond, AsyncRespond) and respond.response_url:
                    reference = record.request_id
                    message = unexpected_error_message(reference)
                    await answer_privately(respond, message, reference=reference)
                raise

    return tracked


def describe(body: dict[str, Any]) -> tuple[str, str]:
    """The kind of Slack request and its name, for the log: ("command", "/person"), ..."""
    if isinstance(body.get("command"), str):
        return "command", body["command"]
    event = body.get("event")
    if isinstance(event, dict):
        return "event", str(event.get("type", "?"))
    kind = str(body.get("type", "?"))
    actions = body.get("actions")
    if kind == "block_actions" and isinstance(actions, list) and actions:
        first = actions[0]
        return "action", str(first.get("action_id", "?")) if isinstance(first, dict) else "?"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        return "view", str(view.get("callback_id", "?")) if isinstance(view, dict) else "?"
    if kind in ("shortcut", "message_action"):
        return "shortcut", str(body.get("callback_id", "?"))
    if kind == "block_suggestion":
        return "options", str(body.get("action_id", "?"))
    return kind, "?"
