"""With SLACK_APP_TOKEN the app connects over Socket Mode: the same answers, no public URL."""

from __future__ import annotations

import json
import signal

import httpx
import pytest

from devkit.harness import (
    APP_TOKEN,
    FIXTURES,
    AppProcess,
    StandIns,
    all_text,
    app_environment,
    link_shared_event,
    run_bot,
    wait_for,
)


def test_socket_mode_answers_commands_and_unfurls_then_stops_cleanly(
    standins: StandIns,
) -> None:
    slack = standins.slack
    env = app_environment(
        standins, SLACK_APP_TOKEN=APP_TOKEN, PERSON_CACHE_TTL="0", UNFURL_STYLE="blocks"
    )
    app = AppProcess(env).start(ready=lambda: bool(slack.sockets))
    assert slack.calls_to("apps.connections.open")[-1].headers["Authorization"] == (
        f"Bearer {APP_TOKEN}"
    )
    # Socket Mode serves no HTTP: nothing listens on PORT.
    try:
        httpx.get(f"{app.url}/healthz", timeout=1)
        raise AssertionError("an HTTP server is listening in Socket Mode")
    except httpx.TransportError:
        pass

    command = json.loads(
        (
            FIXTURES / "slack" / "bolt-python__test_slash_command__slash_command_body.json"
        ).read_text()
    )["parsed"]
    command.update(command="/person", text="95", response_url=slack.response_url("socket-cmd"))
    standins.run(slack.push("slash_commands", command, envelope_id="env-command"))
    wait_for(
        lambda: any(ack.get("envelope_id") == "env-command" for ack in slack.socket_acks),
        what="the command's ack over the socket",
    )
    (answer,) = wait_for(lambda: slack.responses("socket-cmd"), what="the card")
    assert "Will Smith 95" in all_text(answer["blocks"])

    url = "https://acme.pipedrive.com/person/96?via=socket"
    envelope = {
        "type": "event_callback",
        "team_id": "T123ABC456",
        "api_app_id": "A123ABC456",
        "event_id": "EvSocket1",
        "event_time": 1,
        "event": link_shared_event([url]),
    }
    standins.run(slack.push("events_api", envelope, envelope_id="env-event"))

    def unfurled() -> bool:
        return any(url in call.body.get("unfurls", {}) for call in slack.calls_to("chat.unfurl"))

    wait_for(unfurled, what="the unfurl")
    assert any(ack.get("envelope_id") == "env-event" for ack in slack.socket_acks)

    assert app.terminate() == 0
    assert "connected to Slack over Socket Mode" in app.log()


def test_a_refused_app_token_stops_the_start_with_one_line(standins: StandIns) -> None:
    wrong = "xapp-1-A0-refused-0123456789"
    done = run_bot(env=app_environment(standins, SLACK_APP_TOKEN=wrong))
    assert done.returncode == 1
    said = done.stdout + done.stderr
    (line,) = [line for line in said.splitlines() if line.startswith("error: ")]
    assert line.startswith("error: Slack refused SLACK_APP_TOKEN (invalid_auth): generate")
    assert "Traceback" not in said and "Retrying" not in said
    assert wrong not in said


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_socket_mode_while_slack_cannot_be_reached(
    standins: StandIns, stop: signal.Signals
) -> None:
    slack = standins.slack
    slack.socket_url = "ws://127.0.0.1:9/socket-mode"  # nothing listens: slack_sdk retries
    opened = len(slack.calls_to("apps.connections.open"))
    env = app_environment(standins, SLACK_APP_TOKEN=APP_TOKEN)
    app = AppProcess(env).start(ready=lambda: len(slack.calls_to("apps.connections.open")) > opened)
    assert app.process is not None
    app.process.send_signal(stop)
    assert app.process.wait(timeout=20) == 0
    assert "connected to Slack over Socket Mode" not in app.log()
