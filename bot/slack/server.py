"""Serve the app: HTTP (`POST /slack/events`, `GET /healthz`) or Socket Mode; stop gracefully.

Installed in many workspaces, HTTP also serves Bolt's "Add to Slack" flow: `GET /slack/install`
and `GET /slack/oauth_redirect`.

On SIGTERM or SIGINT (Ctrl-C) the server stops accepting, lets the answers in flight finish (a
PaaS allows about 30 s before it kills the process), then closes its connections and exits, in
either mode and whether or not Slack has been reached yet.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError

from bot.cards.connections import Connected, ConnectRefused
from bot.config import (
    HEALTH_PATH,
    OAUTH_CALLBACK_PATH,
    SLACK_INSTALL_PATH,
    SLACK_REDIRECT_PATH,
    Settings,
)
from bot.slack.answering import answer_after_connecting
from bot.slack.app import PersonCardApp, build_app
from bot.slack.pipedrive_callback import callback_routes
from bot.slack.request_body import Refused, check

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Heroku and most PaaS send SIGKILL 30 s after SIGTERM; leave room to close connections.
SHUTDOWN_GRACE_SECONDS = 25.0
# apps.connections.open errors that no retry can fix: the app-level token itself is refused.
APP_TOKEN_REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "missing_scope",
        "forbidden_team",
    }
)


class AppTokenRefused(Exception):
    """Slack refuses SLACK_APP_TOKEN: Socket Mode cannot start, and retrying will not help."""

    def __init__(self, error: str) -> None:
        super().__init__(
            f"Slack refused SLACK_APP_TOKEN ({error}): generate an app-level token with the"
            " connections:write scope under Basic Information → App-Level Tokens, or unset"
            " SLACK_APP_TOKEN to serve HTTP instead"
        )


def web_app(card_app: PersonCardApp, signing_secret: str) -> web.Application:
    secret = signing_secret.encode()

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        headers = {key.lower(): value for key, value in request.headers.items()}
        checked = check(secret, raw, headers)
        if isinstance(checked, Refused):
            log.warning("refused a request (%d): %s", checked.status, checked.reason)
            return web.json_response({"error": "invalid request"}, status=checked.status)
        card_app.deps.in_flight.track()
        bolt_request = AsyncBoltRequest(
            body=checked, query=request.query_string, headers=dict(headers)
        )
        bolt_response = await card_app.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, slack_events), web.get(HEALTH_PATH, healthz)])
    app.add_routes(_install_routes(card_app))
    deps = card_app.deps
    if deps.connections is not None and card_app.oauth is not None:
        oauth = card_app.oauth

        async def answer_pending(result: Connected | ConnectRefused) -> None:
            deps.in_flight.track()
            await answer_after_connecting(result, deps)

        app.add_routes(
            callback_routes(
                OAUTH_CALLBACK_PATH,
                deps.connections,
                answer_pending,
                client_id=oauth.client_id,
                client_secret=oauth.client_secret,
                tasks=card_app.tasks,
            )
        )
    return app


def _install_routes(card_app: PersonCardApp) -> list[web.RouteDef]:
    """Bolt's "Add to Slack" page and OAuth redirect, when the app is installable."""
    flow = card_app.bolt.oauth_flow
    if flow is None:
        return []

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    return [web.get(SLACK_INSTALL_PATH, install), web.get(SLACK_REDIRECT_PATH, oauth_redirect)]


async def serve(settings: Settings) -> None:
    if settings.pipedrive_api_version == "v1":
        log.warning(
            "PIPEDRIVE_API_VERSION=v1 is deprecated: Pipedrive stopped supporting GET "
            "/v1/persons/{id} on 2026-08-01 and may remove it without notice; unset it for v2"
        )
    if settings.many_workspaces and settings.slack_bot_token is not None:
        log.warning("SLACK_CLIENT_ID is set: SLACK_BOT_TOKEN is not used (each workspace's is)")
    if settings.many_workspaces and settings.pipedrive_company_domain:
        log.warning(
            "SLACK_CLIENT_ID is set: PIPEDRIVE_COMPANY_DOMAIN is not used (each workspace reads "
            "the company its first member connects)"
        )
    card_app = await build_app(settings)
    stop = _stop_on_signals()
    try:
        if settings.slack_app_token is not None:
            await _serve_socket_mode(card_app, settings.slack_app_token.get_secret_value(), stop)
        else:
            secret = settings.slack_signing_secret.get_secret_value()
            await _serve_http(card_app, secret, settings.port, stop)
    finally:
        await card_app.aclose()
        log.info("stopped")


async def _serve_http(
    card_app: PersonCardApp, signing_secret: str, port: int, stop: asyncio.Event
) -> None:
    app = web_app(card_app, signing_secret)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", port)
    await site.start()
    log.info("listening on http://0.0.0.0:%d%s", port, EVENTS_PATH)
    await stop.wait()
    log.info(
        "stopping: refusing new requests, finishing %d in flight", len(card_app.deps.in_flight)
    )
    await site.stop()
    await _drain(card_app)
    await runner.cleanup()


async def _serve_socket_mode(card_app: PersonCardApp, app_token: str, stop: asyncio.Event) -> None:
    handler = AsyncSocketModeHandler(card_app.bolt, app_token)
    try:
        if await _unless_stopped(_connect(handler, app_token), stop):
            log.info("connected to Slack over Socket Mode")
            await stop.wait()
        else:
            log.info("stopping before a Socket Mode connection was made")
        await handler.disconnect_async()  # type: ignore[no-untyped-call]
        await _drain(card_app)
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def _connect(handler: AsyncSocketModeHandler, app_token: str) -> None:
    # The first URL is asked for here so that a refused token stops the start at once: slack_sdk
    # would retry it every 10 s, forever, with a traceback each time.
    handler.client.wss_uri = await _socket_mode_url(handler, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]


async def _socket_mode_url(handler: AsyncSocketModeHandler, app_token: str) -> str | None:
    """A WebSocket URL from `apps.connections.open`; None leaves a passing failure to slack_sdk.

    Raises AppTokenRefused when Slack refuses the token itself.
    """
    try:
        answer = await handler.client.web_client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in APP_TOKEN_REFUSALS:
            raise AppTokenRefused(code) from None
        log.warning("apps.connections.open: %s; slack_sdk will retry", code or error)
        return None
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        log.warning("apps.connections.open: %s; slack_sdk will retry", type(error).__name__)
        return None
    url = answer.get("url")
    return url if isinstance(url, str) else None


async def _unless_stopped(work: Awaitable[object], stop: asyncio.Event) -> bool:
    """Await `work` unless `stop` is set first (then `work` is cancelled); True when it finished."""
    working = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({working, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not working.done():
        working.cancel()
        await asyncio.gather(working, return_exceptions=True)
        return False
    working.result()
    return True


async def _drain(card_app: PersonCardApp) -> None:
    left = await card_app.deps.in_flight.drain(SHUTDOWN_GRACE_SECONDS)
    if left:
        log.warning(
            "%d answers still in flight after %.0f s; exiting anyway", left, SHUTDOWN_GRACE_SECONDS
        )


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
