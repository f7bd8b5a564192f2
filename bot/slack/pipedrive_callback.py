"""Pipedrive's OAuth callback (`/pipedrive/oauth/callback`): where a user lands after consent,
and where Pipedrive sends its app-uninstall notice.

`GET` completes a connection and answers with a small HTML page (what happened, in plain words,
and a way back to Slack); the lookup that asked the user to connect is then answered through
its `response_url`, so they see their card without typing again. `DELETE` with the app's HTTP
Basic credentials forgets a Pipedrive user's connections; anything else gets 401.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.cards.connections import Connected, Connections, ConnectProblem, ConnectRefused
from bot.pipedrive.oauth import parse_uninstall_notice, verify_basic_auth

log = logging.getLogger(__name__)

# What is done in Slack after the callback: the waiting lookup answered, or told why not.
AnswerPending = Callable[[Connected | ConnectRefused], Coroutine[Any, Any, None]]

_PROBLEMS: dict[ConnectProblem, tuple[int, str, str]] = {
    ConnectProblem.DENIED: (
        403,
        "Not connected",
        "You chose not to connect Pipedrive, so nothing was stored. Run /person again in "
        "Slack whenever you want to connect.",
    ),
    ConnectProblem.NO_STATE: (
        400,
        "Connect from Slack",
        "This app connects your Pipedrive account from Slack: run /person there and use its "
        "Connect Pipedrive button.",
    ),
    ConnectProblem.BAD_STATE: (
        400,
        "This link has expired",
        "Connect links work once, for 10 minutes. Run /person again in Slack for a new one.",
    ),
    ConnectProblem.EXCHANGE_FAILED: (
        400,
        "Pipedrive did not confirm the connection",
        "Pipedrive refused to complete it (the link may have been used already). Run /person "
        "again in Slack to start over.",
    ),
    ConnectProblem.FOREIGN_COMPANY: (
        403,
        "Another Pipedrive company",
        "That Pipedrive account belongs to another company than the one this app reads in "
        "your workspace, so it was not connected. Log in to Pipedrive with your account at "
        "that company and try again.",
    ),
    ConnectProblem.UNAVAILABLE: (
        502,
        "Pipedrive is unavailable",
        "Pipedrive could not be reached to complete the connection. Please try again in a "
        "moment from Slack.",
    ),
}


def callback_routes(
    path: str,
    connections: Connections,
    answer_pending: AnswerPending,
    *,
    client_id: str,
    client_secret: SecretStr,
    tasks: set[asyncio.Task[None]],
) -> list[web.RouteDef]:
    async def completed(request: web.Request) -> web.Response:
        query = request.query
        result = await connections.complete(
            code=query.get("code"), state=query.get("state"), error=query.get("error")
        )
        task = asyncio.create_task(answer_pending(result))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if isinstance(result, ConnectRefused):
            status, title, text = _PROBLEMS[result.problem]
            log.info("pipedrive oauth callback: not connected (%s)", result.problem.value)
            return page(title, text, status=status)
        connection = result.connection
        return page(
            "Connected to Pipedrive",
            f"You are connected as {connection.user_name} at "
            f"{connection.company_domain}.pipedrive.com. Your answer is waiting in Slack.",
            back_to=f"slack://open?team={result.pending.team_id}",
        )

    async def uninstalled(request: web.Request) -> web.Response:
        if not verify_basic_auth(request.headers.get("Authorization"), client_id, client_secret):
            log.warning("pipedrive uninstall notice refused: wrong or missing credentials")
            return web.json_response({"error": "unauthorized"}, status=401)
        notice = parse_uninstall_notice(await request.read())
        if notice is None:
            return web.json_response({"error": "invalid notice"}, status=400)
        removed = await connections.uninstalled(notice)
        log.info(
            "pipedrive uninstall notice: company %s user %s, %d connection(s) removed",
            notice.company_id,
            notice.user_id,
            removed,
        )
        return web.json_response({"ok": True})

    return [web.get(path, completed), web.delete(path, uninstalled)]


def page(title: str, text: str, *, status: int = 200, back_to: str | None = None) -> web.Response:
    """A small, self-contained HTML page; every text is escaped."""
    link = (
        f'<p><a href="{html.escape(back_to, quote=True)}">Back to Slack</a></p>' if back_to else ""
    )
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;"
        "padding:0 1rem;line-height:1.5}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{link}</body></html>"
    )
    return web.Response(
        text=body,
        status=status,
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
