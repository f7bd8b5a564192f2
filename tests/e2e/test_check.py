"""`python -m bot check` as an admin runs it: scopes, the app token, the unfurl channels, the
card's fields and one person read, each said in one line with what to fix."""

from __future__ import annotations

from devkit.harness import APP_TOKEN, StandIns, app_environment, run_bot


def lines(output: str, start: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(start)]


def test_check_reports_every_part_that_works(standins: StandIns) -> None:
    env = app_environment(
        standins,
        SLACK_APP_TOKEN=APP_TOKEN,
        UNFURL_CHANNELS="CSALES0001,GDEALS0001",
        PERSON_CARD_FIELDS="customer type, Contract value",
    )
    before = len(standins.pipedrive.requests)
    done = run_bot("check", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "ok    Slack: the bot token has every scope manifest.yml asks for (8)." in out
    assert "ok    Slack: SLACK_APP_TOKEN opens Socket Mode connections." in out
    assert "ok    UNFURL_CHANNELS: CSALES0001 is #csales0001." in out
    assert "ok    UNFURL_CHANNELS: GDEALS0001 is #gdeals0001." in out
    assert "ok    PERSON_CARD_FIELDS: all 2 fields found." in out
    assert "ok    Pipedrive: read person 1 as cards read them (API v2)." in out
    assert lines(out, "FAIL") == []
    # One person found through the list (limit=1), then read as a card reads it.
    seen = [(seen.path, seen.query) for seen in standins.pipedrive.requests[before:]]
    assert ("/api/v2/persons", {"limit": "1"}) in seen
    assert any(path == "/api/v2/persons/1" for path, _ in seen)
    # Socket Mode's token was tried with the token itself, in the Authorization header.
    opened = standins.slack.calls_to("apps.connections.open")[-1]
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"


def test_check_names_the_missing_scopes_and_says_to_reinstall(standins: StandIns) -> None:
    standins.slack.scopes = ["commands", "links:read", "links:write", "groups:read", "mpim:read"]
    done = run_bot("check", env=app_environment(standins))
    assert done.returncode == 1
    (line,) = lines(done.stdout, "FAIL")
    assert line.startswith("FAIL  Slack: the bot token lacks channels:read, im:read,")
    assert "reinstall the app" in line


def test_check_names_a_rejected_app_token(standins: StandIns) -> None:
    wrong = "xapp-1-A0-not-the-right-one"
    done = run_bot("check", env=app_environment(standins, SLACK_APP_TOKEN=wrong))
    assert done.returncode == 1
    (line,) = lines(done.stdout, "FAIL")
    assert line.startswith("FAIL  Slack rejected SLACK_APP_TOKEN (invalid_auth)")
    assert "App-Level Tokens" in line
    assert wrong not in done.stdout + done.stderr


def test_check_names_an_unfurl_channel_slack_cannot_find(standins: StandIns) -> None:
    standins.slack.unknown_channels.add("CGONE00001")
    env = app_environment(standins, UNFURL_CHANNELS="CSALES0001,CGONE00001")
    done = run_bot("check", env=env)
    assert done.returncode == 1
    (line,) = lines(done.stdout, "FAIL")
    assert "Slack finds no channel CGONE00001 (channel_not_found)" in line
    assert "channel details → About → Channel ID" in line
    assert "ok    UNFURL_CHANNELS: CSALES0001" in done.stdout


def test_check_names_the_card_fields_that_match_no_field(standins: StandIns) -> None:
    env = app_environment(standins, PERSON_CARD_FIELDS="Custmer Type,Contract value,Email")
    done = run_bot("check", env=env)
    assert done.returncode == 1
    (line,) = lines(done.stdout, "FAIL")
    # Email is a built-in field: the card's Details show custom fields only.
    assert line.startswith("FAIL  PERSON_CARD_FIELDS: 'Custmer Type', 'Email' match no custom")


def test_check_says_when_the_token_may_not_read_persons(standins: StandIns) -> None:
    standins.pipedrive.misbehave("/api/v2/persons/1", status=403, body={"success": False})
    done = run_bot("check", env=app_environment(standins))
    assert done.returncode == 1
    (line,) = lines(done.stdout, "FAIL")
    assert line == (
        "FAIL  Pipedrive: the token may not read persons (403): check its user's permissions."
    )


def test_check_notes_a_company_without_persons(standins: StandIns) -> None:
    empty = {"success": True, "data": [], "additional_data": {"next_cursor": None}}
    standins.pipedrive.misbehave("/api/v2/persons", body=empty)
    done = run_bot("check", env=app_environment(standins))
    assert done.returncode == 0, done.stdout
    assert "note  Pipedrive: this token sees no persons yet; none was read." in done.stdout
