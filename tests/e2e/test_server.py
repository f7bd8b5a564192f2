"""The process as a PaaS runs it: health, start-up validation, logs, graceful SIGTERM."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import httpx

from devkit.harness import (
    BOT_TOKEN,
    PIPEDRIVE_TOKEN,
    SIGNING_SECRET,
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    app_environment,
    run_bot,
    wait_for,
)


def test_healthz_answers_200(app: AppProcess) -> None:
    response = httpx.get(f"{app.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_start_up_names_each_missing_or_invalid_variable(standins: StandIns) -> None:
    env = app_environment(standins, PIPEDRIVE_API_VERSION="v3", PORT="not-a-port")
    del env["SLACK_SIGNING_SECRET"], env["PIPEDRIVE_API_TOKEN"]
    done = run_bot(env=env)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4
    said = "\n".join(errors)
    for name in ("SLACK_SIGNING_SECRET", "PIPEDRIVE_API_TOKEN", "PIPEDRIVE_API_VERSION", "PORT"):
        assert name in said
    assert BOT_TOKEN not in done.stderr


def test_a_blank_signing_secret_fails_at_start_up_not_at_the_first_request(
    standins: StandIns,
) -> None:
    env = app_environment(standins, SLACK_SIGNING_SECRET="  ")
    done = run_bot(env=env)
    assert done.returncode == 2
    assert "SLACK_SIGNING_SECRET is invalid" in done.stderr


def test_url_buttons_are_acked(slack: SlackSender) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "W111"},
        "team": {"id": "T111"},
        "container": {"type": "message"},
        "response_url": slack.slack.response_url("button"),
        "trigger_id": "111.222",
        "actions": [
            {
                "type": "button",
                "action_id": "open_in_pipedrive",
                "block_id": "b",
                "value": "1",
                "url": "https://acme.pipedrive.com/person/1",
                "action_ts": "1.2",
            }
        ],
    }
    response = slack.action(payload)
    assert response.status_code == 200


def test_one_log_line_per_request_and_no_secrets(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(PERSON_CACHE_TTL="0", LOG_LEVEL="DEBUG")
    slack = SlackSender(app.url, standins.slack)
    slack.command("1", "logged")
    slack.answers("logged")
    slack.command("-1", "logged-bad")
    SlackSender(app.url, standins.slack, secret="wrong").command("1", "logged-forged")

    def request_lines() -> list[str]:
        return [line for line in app.log().splitlines() if "kind=command" in line]

    lines = wait_for(lambda: len(request_lines()) >= 2 and request_lines(), what="log lines")
    card_line = next(line for line in lines if "outcome=card" in line)
    for key in ("name=/person", "duration_ms=", "request_id=", "person_id=1"):
        assert key in card_line
    assert any("outcome=invalid_input" in line for line in lines)
    log = app.log()
    for secret in (BOT_TOKEN, SIGNING_SECRET, PIPEDRIVE_TOKEN, "/response/logged"):
        assert secret not in log


def test_sigterm_finishes_answers_in_flight(
    standins: StandIns,
) -> None:
    app = AppProcess(app_environment(standins, PERSON_CACHE_TTL="0", CARD_TIMEOUT="10")).start()
    slack = SlackSender(app.url, standins.slack)
    standins.pipedrive.misbehave("/api/v2/persons/60", delay=1.5)
    assert slack.command("60", "in-flight").status_code == 200
    wait_for(lambda: standins.pipedrive.count("/api/v2/persons/60"), what="the Pipedrive read")
    assert app.process is not None
    app.process.terminate()  # SIGTERM while the answer is still being worked on
    assert app.process.wait(timeout=30) == 0
    (answer,) = standins.slack.responses("in-flight")
    assert "Will Smith 60" in all_text(answer["blocks"])
    assert "stopping" in app.log()
    try:
        httpx.get(f"{app.url}/healthz", timeout=2)
        raise AssertionError("the server still accepts connections after SIGTERM")
    except httpx.TransportError:
        pass


def test_check_says_what_works(standins: StandIns) -> None:
    env = app_environment(standins)
    done = run_bot("check", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    Slack: bot @person-card is installed in workspace Demo" in done.stdout
    assert "ok    Pipedrive: token of Me <me@pipedrive.com> at Acme (acme.pipedrive.com)" in (
        done.stdout
    )


def test_check_names_the_rejected_token_and_a_wrong_domain(standins: StandIns) -> None:
    env = app_environment(
        standins,
        SLACK_BOT_TOKEN="xoxb-not-the-right-one",
        PIPEDRIVE_COMPANY_DOMAIN="globex",
    )
    done = run_bot("check", env=env)
    assert done.returncode == 1
    assert "FAIL  Slack rejected SLACK_BOT_TOKEN (invalid_auth)" in done.stdout
    assert "PIPEDRIVE_COMPANY_DOMAIN is 'globex': set it to 'acme'" in done.stdout
    assert "xoxb-not-the-right-one" not in done.stdout


def test_check_names_a_rejected_pipedrive_token(standins: StandIns) -> None:
    env = app_environment(standins, PIPEDRIVE_API_TOKEN="wrong-pipedrive-token")
    done = run_bot("check", env=env)
    assert done.returncode == 1
    assert "FAIL  Pipedrive rejected PIPEDRIVE_API_TOKEN" in done.stdout
    assert "wrong-pipedrive-token" not in done.stdout + done.stderr


def test_check_says_when_there_is_no_network(standins: StandIns) -> None:
    env = app_environment(
        standins, SLACK_API_URL="http://127.0.0.1:9/api/", PIPEDRIVE_API_URL="http://127.0.0.1:9"
    )
    done = run_bot("check", env=env)
    assert done.returncode == 1
    assert "Slack: cannot reach http://127.0.0.1:9/api/" in done.stdout
    assert "Pipedrive: cannot reach http://127.0.0.1:9" in done.stdout


def test_unknown_cli_command_prints_usage() -> None:
    done = run_bot("nonsense", env=dict(os.environ))
    assert done.returncode == 2
    assert "usage: python -m bot" in done.stderr


def test_card_demo_prints_the_seed_card_three_ways() -> None:
    done = run_bot("card", "1", "--demo", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in ("Will Smith", "12345@email.com", "Jane Doe", "Org Name", "Call Will"):
        assert expected in out
    json_part = out.split("--- Block Kit JSON", 1)[1].split("\n", 1)[1].split("\n---", 1)[0]
    assert json.loads(json_part)["blocks"][0]["type"] == "header"
    assert "https://app.slack.com/block-kit-builder#" in out


def test_card_demo_prints_the_work_objects_after_the_block_kit() -> None:
    done = run_bot("card", "1", "--demo", env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    sections = {
        heading.split(" ---", 1)[0].strip(): body
        for heading, body in (part.split("\n", 1) for part in done.stdout.split("\n--- ")[1:])
    }
    assert list(sections) == [
        "Block Kit JSON",
        "See it as Slack draws it",
        "Work Object, full unfurl (chat.unfurl metadata)",
        "Work Object, compact unfurl (chat.unfurl metadata)",
        "Work Object details pane (entity.presentDetails metadata)",
    ]
    (full,) = json.loads(sections["Work Object, full unfurl (chat.unfurl metadata)"])["entities"]
    (compact,) = json.loads(sections["Work Object, compact unfurl (chat.unfurl metadata)"])[
        "entities"
    ]
    details = json.loads(sections["Work Object details pane (entity.presentDetails metadata)"])
    for entity in (full, compact):
        assert entity["app_unfurl_url"] == "https://acme.pipedrive.com/person/1"
    assert full["entity_payload"]["attributes"]["title"] == {"text": "Will Smith"}
    assert "12345@email.com" in json.dumps(full) and "12345@email.com" not in json.dumps(compact)
    labels = [field["label"] for field in details["entity_payload"]["custom_fields"]]
    assert "Customer Type" in labels and "Won deals" in labels
    assert "app_unfurl_url" not in details
