"""Serve the app: HTTP (`POST /slack/events`, `GET /healthz`) or Socket Mode; stop gracefully.

On SIGTERM the server stops accepting, lets the answers in flight finish (a PaaS allows about
30 s before it kills the process), then closes its connections and exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.config import Settings
from bot.slack.app import PersonCardApp, build_app
from bot.slack.request_body import Refused, check

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Heroku and most PaaS send SIGKILL 30 s after SIGTERM; leave room to close connections.
SHUTDOWN_GRACE_SECONDS = 25.0


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
    return app


async def serve(settings: Settings) -> None:
    card_app = build_app(settings)
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
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("connected to Slack over Socket Mode")
    await stop.wait()
    await handler.disconnect_async()  # type: ignore[no-untyped-call]
    await _drain(card_app)
    await handler.close_async()  # type: ignore[no-untyped-call]


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
