"""A Slack stand-in: the Web API methods the app calls, and `response_url` endpoints.

It records every call so tests and the bench can see what the app sent to Slack. Like Slack, it
names the token's granted scopes in the `x-oauth-scopes` header of every Web API answer
(`scopes`, settable per test), and it can refuse a message whose picture it "cannot download":
any image on a host in `refused_image_hosts` (chat.* methods: `invalid_blocks` with "downloading
image failed"; response_url: HTTP 400 with the body `invalid_blocks`).

Modals: `views.open` (with a trigger that has not expired) and `views.update` keep each view's
latest content in `views`; `users.info` answers a user with the time zone set for them in
`time_zones` (else `default_time_zone`), not a guest unless listed in `guests`, not an admin
unless listed in `admins`;
`chat.getPermalink` answers a link to the message.

Many workspaces: `GET /oauth/v2/authorize` approves at once for the workspace named by its
`team` parameter (Slack's own, to pick a workspace) or `installing_team`, and sends the installer
back to the app's redirect URI with a code; `oauth.v2.access` (the app's client id and secret in
HTTP Basic, as slack_sdk sends them) exchanges the code, once, for a bot token of that workspace
alone, in the shape of Slack's example answer. Each token works until `uninstall(team)`, and
`auth.test` names its workspace.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web

from devkit.serving import LoopbackServer, basic_credentials

RESPONSE_PATH = "/response/"
SOCKET_PATH = "/socket-mode"
AUTHORIZE_PATH = "/oauth/v2/authorize"
# The workspace of the single-workspace bot token (and of auth.test's example answer).
DEFAULT_TEAM_ID = "T0DEMO"
# The scopes of an app-level token made for Socket Mode.
APP_TOKEN_SCOPES = ("connections:write",)
DEFAULT_TIME_ZONE = "America/Los_Angeles"  # the user in Slack's users.info example


@dataclass(frozen=True)
class SlackCall:
    """One request the app made: a Web API method ("chat.unfurl") or "response_url"."""

    method: str
    body: dict[str, Any]
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    # time.perf_counter() on arrival, for measuring how long an answer took.
    received_at: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class Installed:
    """A workspace that installed the app through OAuth, and what it was granted."""

    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    installer: str  # the Slack user who approved the install
    scopes: tuple[str, ...]


class SlackStandIn(LoopbackServer):
    """Point `SLACK_API_URL` at `api_url`; give commands a `response_url(...)` on this server."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-demo",
        app_token: str = "xapp-demo",
        team: str = "Demo",
        scopes: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        # What the bot token was granted at install: Slack's `x-oauth-scopes` header.
        self.scopes: list[str] = list(scopes)
        self._installed_scopes = tuple(scopes)
        # Where apps.connections.open sends the app; None: this stand-in's own socket.
        self.socket_url: str | None = None
        # Socket Mode: connections the app opened, and the acks it sent back through them.
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_acks: list[dict[str, Any]] = []
        self.team = team
        self.calls: list[SlackCall] = []
        self.external_channels: set[str] = set()
        self.unknown_channels: set[str] = set()
        # Direct messages: conversations.info answers Slack's IM object, which has no
        # is_ext_shared.
        self.im_channels: set[str] = set()
        self.refused_image_hosts: set[str] = set()
        # What chat.unfurl answers to Work Object metadata, when not {"ok": true}: a refusal
        # such as {"ok": false, "error": "invalid_metadata_format"}, or ok with a "warning".
        self.metadata_answer: dict[str, Any] | None = None
        # usergroups.users.list: each group's members.
        self.usergroups: dict[str, list[str]] = {}
        # Modals by view id, as last opened or updated; triggers Slack would call expired.
        self.views: dict[str, dict[str, Any]] = {}
        self.expired_triggers: set[str] = set()
        self._view_ids = itertools.count(1)
        # users.info: time zones and names by user id; guests (`is_restricted`); workspace
        # admins (`is_admin`).
        self.time_zones: dict[str, str] = {}
        self.default_time_zone = DEFAULT_TIME_ZONE
        self.user_names: dict[str, str] = {}
        self.guests: set[str] = set()
        self.admins: set[str] = set()
        # Many workspaces: the Slack app's credentials, the installs by bot token, the codes
        # handed out at /oauth/v2/authorize, and the workspace an install without `team` picks.
        self.client_id = "1111111111.2222222222"
        self.client_secret = "standin-slack-client-secret"
        self.installing_team = "T0INSTALL"
        self.installer = "U0INSTALLER"
        self.installed: dict[str, Installed] = {}
        self._install_codes: dict[str, tuple[str, str, tuple[str, ...]]] = {}

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's "Add to Slack" approval page (`SLACK_AUTHORIZE_URL`)."""
        return f"{self.url}{AUTHORIZE_PATH}"

    def token_of(self, team_id: str) -> str:
        """The bot token the workspace was given when it installed the app."""
        return next(item.bot_token for item in self.installed.values() if item.team_id == team_id)

    def uninstall(self, team_id: str) -> None:
        """The workspace removed the app: Slack revokes its tokens."""
        self.installed = {
            token: item for token, item in self.installed.items() if item.team_id != team_id
        }

    def response_url(self, name: str) -> str:
        return f"{self.url}{RESPONSE_PATH}{name}"

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/{method}", self._web_api),
            # slack_sdk reads some methods (conversations.info) with GET and query parameters.
            web.get("/api/{method}", self._web_api),
            web.post(RESPONSE_PATH + "{name}", self._response_url),
            web.get(SOCKET_PATH, self._socket),
            web.get(AUTHORIZE_PATH, self._authorize),
        ]

    def behave(self) -> None:
        """Undo what a test changed: the granted scopes, the socket URL, refused pictures,
        expired triggers, users' time zones, names, guests and admins."""
        self.scopes = list(self._installed_scopes)
        self.socket_url = None
        self.refused_image_hosts.clear()
        self.usergroups.clear()
        self.metadata_answer = None
        self.expired_triggers.clear()
        self.time_zones.clear()
        self.default_time_zone = DEFAULT_TIME_ZONE
        self.user_names.clear()
        self.guests.clear()
        self.admins.clear()

    def last_view(self) -> dict[str, Any]:
        """The most recently opened modal as it shows now (with its `id`)."""
        assert self.views, "no modal was opened"
        return self.views[list(self.views)[-1]]

    def calls_to(self, method: str) -> list[SlackCall]:
        return [call for call in self.calls if call.method == method]

    def responses(self, name: str) -> list[dict[str, Any]]:
        """Bodies posted to `response_url(name)`, oldest first."""
        path = RESPONSE_PATH + name
        return [call.body for call in self.calls if call.path == path]

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.calls.append(SlackCall("response_url", body, request.path, dict(request.headers)))
        if self._refused_images(body.get("blocks"), "/blocks"):
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        """The installer approves the app at once, for `team` (or `installing_team`)."""
        query = request.query
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect:
            return web.Response(status=400, text="invalid_client_id or redirect_uri")
        team = query.get("team") or self.installing_team
        scopes = tuple(scope for scope in query.get("scope", "").split(",") if scope)
        code = secrets.token_hex(16)
        self._install_codes[code] = (team, redirect, scopes)
        back = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{redirect}?{urlencode(back)}")

    def _oauth_access(self, body: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        """oauth.v2.access: a code for a bot token (docs.slack.dev, oauth.v2.access example)."""
        credentials = basic_credentials(authorization) or (
            str(body.get("client_id", "")),
            str(body.get("client_secret", "")),
        )
        if credentials != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        found = self._install_codes.pop(str(body.get("code", "")), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        team, redirect, scopes = found
        if body.get("redirect_uri", redirect) != redirect:
            return {"ok": False, "error": "bad_redirect_uri"}
        item = Installed(
            team_id=team,
            team_name=f"Workspace {team}",
            bot_token=f"xoxb-{team}-{secrets.token_hex(12)}",
            bot_user_id=f"U0BOT{team}",
            installer=self.installer,
            scopes=scopes,
        )
        self.installed[item.bot_token] = item
        return {
            "ok": True,
            "access_token": item.bot_token,
            "token_type": "bot",
            "scope": ",".join(scopes),
            "bot_user_id": item.bot_user_id,
            "app_id": "A0KRD7HC3",
            "team": {"name": item.team_name, "id": team},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": item.installer},
        }

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _body(request)
        self.calls.append(SlackCall(method, body, request.path, dict(request.headers)))
        authorization = request.headers.get("Authorization")
        if method == "oauth.v2.access":  # the app's client credentials, not a token
            return web.json_response(self._oauth_access(body, authorization))
        # Socket Mode connections are opened with the app-level token, everything else the bot's.
        app_level = method == "apps.connections.open"
        token = self.app_token if app_level else self.bot_token
        installed = None
        if authorization and not app_level:
            installed = self.installed.get(authorization.removeprefix("Bearer "))
        if authorization != f"Bearer {token}" and installed is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        # Slack names the token's scopes in every answer (as a comma-separated list).
        scopes = {"x-oauth-scopes": ", ".join(APP_TOKEN_SCOPES if app_level else self.scopes)}
        if app_level:
            url = self.socket_url or f"ws://127.0.0.1:{self.port}{SOCKET_PATH}"
            answer = {"ok": True, "url": url}
            return web.json_response(answer, headers=scopes)
        if installed is not None:
            scopes["x-oauth-scopes"] = ", ".join(installed.scopes)
            if method == "auth.test":
                return web.json_response(_auth_test(installed), headers=scopes)
        return web.json_response(self._answer(method, body), headers=scopes)

    async def push(self, envelope_type: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Send an envelope (`slash_commands`, `events_api`, `interactive`) over Socket Mode."""
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        for socket in self.sockets:
            await socket.send_json(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            self.sockets.remove(socket)
        return socket

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://demo.slack.com/",
                "team": self.team,
                "user": "person-card",
                "team_id": DEFAULT_TEAM_ID,
                "user_id": "U0BOT",
                "bot_id": "B0BOT",
            }
        if method == "usergroups.users.list":
            group = str(body.get("usergroup", ""))
            if group not in self.usergroups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.usergroups[group]}
        if method == "conversations.info":
            channel = str(body.get("channel", ""))
            if channel in self.unknown_channels:
                return {"ok": False, "error": "channel_not_found"}
            if channel in self.im_channels:
                # The documented IM object (docs.slack.dev, "im" type).
                im = {"id": channel, "is_im": True, "user": "U024BE7LH", "created": 1360782804}
                return {"ok": True, "channel": {**im, "is_user_deleted": False}}
            shared = channel in self.external_channels
            return {
                "ok": True,
                "channel": {"id": channel, "name": channel.lower(), "is_ext_shared": shared},
            }
        if method == "chat.unfurl" and "metadata" in body and self.metadata_answer is not None:
            return self.metadata_answer
        if method in ("chat.postMessage", "chat.unfurl"):
            key = "unfurls" if method == "chat.unfurl" else "blocks"
            refused = self._refused_images(body.get(key), f"/{key}")
            if refused:
                errors = [
                    f"downloading image failed [json-pointer:{pointer}]" for pointer in refused
                ]
                return {
                    "ok": False,
                    "error": "invalid_blocks",
                    "errors": errors,
                    "response_metadata": {"messages": [f"[ERROR] {error}" for error in errors]},
                }
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": f"{len(self.calls)}.000100"}
        if method in ("views.open", "views.update"):
            return self._view_answer(method, body)
        if method == "users.info":
            return self._user(str(body.get("user", "")))
        if method == "chat.getPermalink":
            channel, ts = str(body.get("channel", "")), str(body.get("message_ts", ""))
            if channel in self.unknown_channels:
                return {"ok": False, "error": "channel_not_found"}
            link = f"https://demo.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            return {"ok": True, "channel": channel, "permalink": link}
        return {"ok": True}

    def _view_answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        view = body.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if method == "views.open":
            trigger = str(body.get("trigger_id", ""))
            if not trigger or trigger in self.expired_triggers:
                return {"ok": False, "error": "expired_trigger_id"}
            view_id = f"V{next(self._view_ids):010d}"
        else:
            view_id = str(body.get("view_id", ""))
            if view_id not in self.views:
                return {"ok": False, "error": "not_found"}
        shown = {**view, "id": view_id, "hash": f"{time.time_ns()}.h", "state": {"values": {}}}
        self.views[view_id] = shown
        return {"ok": True, "view": shown}

    def _user(self, user_id: str) -> dict[str, Any]:
        """users.info in the shape of Slack's example (docs.slack.dev, users.info)."""
        zone = self.time_zones.get(user_id, self.default_time_zone)
        offset = datetime.now(UTC).astimezone(ZoneInfo(zone)).utcoffset()
        name = self.user_names.get(user_id, f"User {user_id}")
        guest = user_id in self.guests
        return {
            "ok": True,
            "user": {
                "id": user_id,
                "team_id": "T0DEMO",
                "name": name.lower().replace(" ", "."),
                "deleted": False,
                "real_name": name,
                "tz": zone,
                "tz_label": zone,
                "tz_offset": int(offset.total_seconds()) if offset else 0,
                "profile": {"real_name": name, "display_name": name},
                "is_admin": user_id in self.admins,
                "is_owner": False,
                "is_restricted": guest,
                "is_ultra_restricted": False,
                "is_bot": False,
                "is_app_user": False,
            },
        }

    def _refused_images(self, blocks: Any, root: str) -> list[str]:
        """JSON pointers (below `root`) of the image URLs in `blocks` on a refused host."""
        return [
            pointer
            for pointer, url in _image_urls(blocks, root)
            if urlsplit(url).hostname in self.refused_image_hosts
        ]


def _image_urls(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if value.get("type") == "image" and isinstance(value.get("image_url"), str):
            yield f"{pointer}/image_url", value["image_url"]
        for key, item in value.items():
            yield from _image_urls(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _image_urls(item, f"{pointer}/{index}")


def _auth_test(installed: Installed) -> dict[str, Any]:
    """auth.test for a bot token a workspace was given at install."""
    return {
        "ok": True,
        "url": f"https://{installed.team_id.lower()}.slack.com/",
        "team": installed.team_name,
        "user": "person-card",
        "team_id": installed.team_id,
        "user_id": installed.bot_user_id,
        "bot_id": f"B0{installed.team_id}",
        "is_enterprise_install": False,
    }


async def _body(request: web.Request) -> dict[str, Any]:
    if request.method == "GET":
        return dict(request.query)
    if request.content_type == "application/json":
        data = await request.json()
        return data if isinstance(data, dict) else {"_": data}
    form = await request.post()
    return {key: _maybe_json(str(value)) for key, value in form.items()}


def _maybe_json(value: str) -> Any:
    # slack_sdk sends nested arguments (blocks, unfurls) as JSON strings in form posts.
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
