"""Drive the app as Slack does: a real process, real sockets, signed requests, stand-ins.

`StandIns` runs the Pipedrive and Slack stand-ins on an event loop in a background thread.
`AppProcess` starts `python -m bot` exactly as the Procfile does, pointed at them.
`SlackSender` signs requests the way Slack signs them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
import yaml

from devkit import PipedriveOAuthStandIn, PipedriveStandIn, SlackStandIn, slack_payloads
from devkit.signing import signed_headers

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# The app runs outside the checkout, so a developer's own .env there cannot leak into a test.
RUN_DIR = Path(tempfile.mkdtemp(prefix="bot-e2e-"))

SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-e2e-bot-token-0123456789"
APP_TOKEN = "xapp-e2e-app-token-0123456789"
PIPEDRIVE_TOKEN = "e2e-pipedrive-token-0123456789"
COMPANY = "acme"
# The Slack workspace of every request the sender posts (bolt-python's command fixture's).
WORKSPACE = "T111"

T = TypeVar("T")


def manifest_bot_scopes() -> list[str]:
    """The bot scopes `manifest.yml` asks for: what the Slack stand-in says a token has."""
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return list(manifest["oauth_config"]["scopes"]["bot"])


def wait_for(check: Callable[[], T], *, timeout: float = 10.0, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class StandIns:
    """Both stand-ins, served from one background event loop for the whole test session."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.pipedrive = PipedriveStandIn(token=PIPEDRIVE_TOKEN)
        # Pipedrive's OAuth server: its tokens work at `pipedrive` (PIPEDRIVE_AUTH=oauth tests).
        self.oauth = PipedriveOAuthStandIn(api=self.pipedrive)
        self.slack = SlackStandIn(
            bot_token=BOT_TOKEN, app_token=APP_TOKEN, scopes=manifest_bot_scopes()
        )

    def start(self) -> None:
        self._thread.start()
        self.run(self.pipedrive.start())
        self.run(self.oauth.start())
        self.run(self.slack.start())

    def stop(self) -> None:
        self.run(self.pipedrive.stop())
        self.run(self.oauth.stop())
        self.run(self.slack.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def app_environment(standins: StandIns, **overrides: str) -> dict[str, str]:
    return app_environment_for(standins.pipedrive.url, standins.slack.api_url, **overrides)


def app_environment_for(pipedrive_url: str, slack_api_url: str, **overrides: str) -> dict[str, str]:
    """The app's environment, pointed at stand-ins; nothing from the caller's SLACK_/PIPEDRIVE_."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "PIPEDRIVE_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api_url,
        PIPEDRIVE_API_TOKEN=PIPEDRIVE_TOKEN,
        PIPEDRIVE_COMPANY_DOMAIN=COMPANY,
        PIPEDRIVE_API_URL=pipedrive_url,
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def procfile_command() -> list[str]:
    """The `web:` line of the Procfile, run with this interpreter."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    words = line.removeprefix("web:").split()
    assert words[0] == "python", "the Procfile should start the app with python"
    return [sys.executable, *words[1:]]


def run_bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` to completion, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=RUN_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class AppProcess:
    """`python -m bot` on a free loopback port, its log captured to a file."""

    def __init__(self, env: dict[str, str], command: list[str] | None = None) -> None:
        self.command = command or procfile_command()
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self._log = tempfile.NamedTemporaryFile(prefix="bot-", suffix=".log", delete=False)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready: Callable[[], bool] | None = None) -> AppProcess:
        """Start, and wait until `ready()` (by default: until `/healthz` answers 200)."""
        self.process = subprocess.Popen(
            self.command, cwd=RUN_DIR, env=self.env, stdout=self._log, stderr=self._log
        )

        def healthy() -> bool:
            try:
                return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        def started() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"app exited at start-up:\n{self.log()}")
            return (ready or healthy)()

        wait_for(started, timeout=30, what="the app to be ready")
        return self

    def terminate(self, timeout: float = 40) -> int:
        """SIGTERM, as a PaaS stops a dyno; returns the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        return Path(self._log.name).read_text("utf-8", errors="replace")

    def cpu_seconds(self) -> float:
        """The CPU time (user and system) the process has used so far (Linux `/proc`), in
        seconds; it moves in ticks of 1/`SC_CLK_TCK` s (10 ms on most systems)."""
        assert self.process is not None
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # after the name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self) -> float:
        """The process's peak resident memory so far (Linux `VmHWM`), in MiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(kib) / 1024


class SlackSender:
    """Posts to the app what Slack would post, signed as Slack signs it.

    `workspace`: the team id commands and events come from, in a workspace of no Enterprise
    Grid; by default bolt-python's fixture's (T111 in enterprise E111) and `WORKSPACE`.
    """

    def __init__(
        self,
        app_url: str,
        slack: SlackStandIn,
        secret: str = SIGNING_SECRET,
        *,
        workspace: str | None = None,
    ) -> None:
        self.app_url = app_url
        self.slack = slack
        self.secret = secret
        self.workspace = workspace
        self.http = httpx.Client(timeout=30)

    def signed_headers(
        self, body: str, content_type: str, timestamp: int | None = None
    ) -> dict[str, str]:
        return signed_headers(self.secret, body, content_type, timestamp=timestamp)

    def post(self, body: str, content_type: str, headers: dict[str, str]) -> httpx.Response:
        return self.http.post(
            f"{self.app_url}/slack/events",
            content=body.encode(),
            headers={"Content-Type": content_type, **headers},
        )

    def post_signed(self, body: str, content_type: str, **sign: Any) -> httpx.Response:
        return self.post(body, content_type, self.signed_headers(body, content_type, **sign))

    def command_body(self, text: str, response_name: str, user_id: str | None = None) -> str:
        """The slash command form from bolt-python's tests, with our command and response_url
        (and `user_id`: who typed it)."""
        fixture = json.loads(
            (
                FIXTURES / "slack" / "bolt-python__test_slash_command__slash_command_body.json"
            ).read_text()
        )
        fields = dict(fixture["parsed"])
        fields.update(
            command="/person", text=text, response_url=self.slack.response_url(response_name)
        )
        if user_id is not None:
            fields["user_id"] = user_id
        if self.workspace is not None:
            fields["team_id"] = self.workspace
            for name in ("enterprise_id", "enterprise_name"):
                fields.pop(name)
        return urlencode(fields)

    def command(
        self, text: str, response_name: str, user_id: str | None = None, **sign: Any
    ) -> httpx.Response:
        body = self.command_body(text, response_name, user_id)
        return self.post_signed(body, "application/x-www-form-urlencoded", **sign)

    def event(self, event: dict[str, Any], **sign: Any) -> httpx.Response:
        envelope = json.loads(
            (FIXTURES / "slack" / "slack-docs__link_shared__conversations_history.json").read_text()
        )
        envelope.pop("_source")
        # The workspace the commands come from, too.
        envelope["team_id"] = self.workspace or WORKSPACE
        envelope["event"] = event
        envelope["event_id"] = f"Ev{time.monotonic_ns()}"
        return self.post_signed(json.dumps(envelope), "application/json", **sign)

    def action(self, payload: dict[str, Any], **sign: Any) -> httpx.Response:
        """Any interaction payload (a click, a shortcut, a submission, a suggestion)."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post_signed(body, "application/x-www-form-urlencoded", **sign)

    def shortcut(self, message: dict[str, Any], *, user: str, channel: str) -> httpx.Response:
        """The "Save to Pipedrive" message shortcut run on `message`."""
        payload = slack_payloads.message_shortcut(user_id=user, channel=channel, message=message)
        return self.action(payload)

    def submit(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str
    ) -> httpx.Response:
        """`view` (as the Slack stand-in shows it) submitted with these `view.state.values`."""
        return self.action(slack_payloads.view_submission(view, values, user_id=user))

    def suggest(
        self, view: dict[str, Any], value: str, *, action_id: str, block_id: str, user: str
    ) -> httpx.Response:
        """`value` typed into the external select `action_id` of `view`."""
        payload = slack_payloads.block_suggestion(
            view, action_id=action_id, block_id=block_id, value=value, user_id=user
        )
        return self.action(payload)

    def filled_form(self, updates_before: int, timeout: float = 10) -> dict[str, Any]:
        """Wait until a modal was filled in (`views.update`) after `updates_before` of them;
        the modal as it shows now."""
        wait_for(
            lambda: len(self.slack.calls_to("views.update")) > updates_before,
            timeout=timeout,
            what="the form to be filled in",
        )
        return self.slack.last_view()

    def answers(
        self, response_name: str, count: int = 1, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """Wait until `count` messages were posted to that response_url, and return them."""

        def posted() -> list[dict[str, Any]]:
            found = self.slack.responses(response_name)
            return found if len(found) >= count else []

        return wait_for(posted, timeout=timeout, what=f"{count} post(s) to {response_name}")


# Button values a tampered (or buggy) client could send back: none names a person.
TAMPERED_VALUES: list[dict[str, Any]] = [
    {"value": "abc"},
    {"value": "-1"},
    {"value": "0"},
    {"value": "99999999999999999999"},
    {"value": "1 OR 1=1"},
    {"value": ""},
    {"value": "<!channel>"},
    {"value": ["1"]},
    {},
]


def block_actions(slack: SlackSender, response_name: str, action: dict[str, Any]) -> dict[str, Any]:
    """A `block_actions` payload for a click in an ephemeral message, as Slack sends it."""
    return {
        "type": "block_actions",
        "user": {"id": "W111", "username": "jane", "name": "jane", "team_id": "T111"},
        "api_app_id": "A111",
        "token": "verification-token",
        "container": {
            "type": "message",
            "message_ts": "1548261231.000200",
            "channel_id": "C111",
            "is_ephemeral": True,
        },
        "trigger_id": "111.222.abc",
        "team": {"id": "T111", "domain": "acme"},
        "channel": {"id": "C111", "name": "general"},
        "response_url": slack.slack.response_url(response_name),
        "actions": [{"block_id": "row", "action_ts": "1548261241.000100", **action}],
    }


def link_shared_event(urls: list[str], **fields: Any) -> dict[str, Any]:
    """The documented `link_shared` event (channel variant), with these links."""
    envelope = json.loads(
        (FIXTURES / "slack" / "slack-docs__link_shared__conversations_history.json").read_text()
    )
    event: dict[str, Any] = envelope["event"]
    event["links"] = [{"domain": httpx.URL(url).host, "url": url} for url in urls]
    event.update(fields)
    return event


def composer_event(urls: list[str]) -> dict[str, Any]:
    """The documented composer `link_shared` event (channel "COMPOSER"), with these links."""
    event: dict[str, Any] = json.loads(
        (FIXTURES / "slack" / "slack-docs__link_shared__composer_event.json").read_text()
    )
    event.pop("_source")
    event["links"] = [{"domain": httpx.URL(url).host, "url": url} for url in urls]
    return event


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every string in the blocks, joined: for asserting what a card says."""
    return json.dumps(blocks, ensure_ascii=False)


def connect_url(answer: dict[str, Any]) -> str:
    """The URL of the Connect Pipedrive button in an answer."""
    (url,) = [
        element["url"]
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == "connect_pipedrive"
    ]
    return str(url)


def consent(url: str, standins: StandIns, as_user: int) -> httpx.Response:
    """The user opens the Connect link and clicks Allow on Pipedrive's page."""
    standins.oauth.consenting_user = as_user
    return httpx.get(url, follow_redirects=True, timeout=10)
