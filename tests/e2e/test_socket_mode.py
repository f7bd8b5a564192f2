"""With SLACK_APP_TOKEN the app connects over Socket Mode: the same answers, no public URL."""

from __future__ import annotations

import json

import httpx

from devkit.harness import (
    APP_TOKEN,
    FIXTURES,
    AppProcess,
    StandIns,
    all_text,
    app_environment,
    link_shared_event,
    wait_for,
)


def test_socket_mode_answers_commands_and_unfurls_then_stops_cleanly(
    standins: StandIns,
) -> None:
    slack = standins.slack
    env = app_environment(standins, SLACK_APP_TOKEN=APP_TOKEN, PERSON_CACHE_TTL="0")
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
