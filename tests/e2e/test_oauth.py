"""PIPEDRIVE_AUTH=oauth through the real process: each Slack user connects their own Pipedrive
account, and from then on sees exactly what their Pipedrive shows them.

The app runs as the Procfile starts it, against the Pipedrive API and OAuth stand-ins: the
OAuth stand-in consents as a chosen Pipedrive user, issues codes and tokens, refreshes them,
and its tokens make the API stand-in answer as that user (hiding persons from some users).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    app_environment,
    connect_url,
    consent,
    link_shared_event,
    wait_for,
)

ANN, BOB, EVE = 501, 502, 601  # Pipedrive users: two at acme, one at another company
SLACK_ANN, SLACK_BOB = "U0ANN0001", "U0BOB0001"
CALLBACK = "/pipedrive/oauth/callback"


@pytest.fixture(scope="module")
def oauth_app(standins: StandIns) -> Iterator[AppProcess]:
    oauth = standins.oauth
    oauth.add_user(ANN, "Ann Acme", "ann@acme.example")
    oauth.add_user(BOB, "Bob Acme", "bob@acme.example")
    oauth.add_user(EVE, "Eve Globex", "eve@globex.example", company_id=99, company_domain="globex")
    database = Path(tempfile.mkdtemp(prefix="bot-oauth-")) / "app.db"
    env = app_environment(
        standins,
        PIPEDRIVE_AUTH="oauth",
        PIPEDRIVE_CLIENT_ID=oauth.client_id,
        PIPEDRIVE_CLIENT_SECRET=oauth.client_secret,
        PIPEDRIVE_OAUTH_URL=oauth.url,
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        UNFURL_STYLE="blocks",
        UNFURL_DETAIL="full",
    )
    del env["PIPEDRIVE_API_TOKEN"]  # oauth mode needs none
    app = AppProcess(env)
    app.env["PUBLIC_URL"] = app.url
    app.start()
    app.database = database  # type: ignore[attr-defined]
    yield app
    app.terminate()


@pytest.fixture
def slack(oauth_app: AppProcess, standins: StandIns) -> Iterator[SlackSender]:
    sender = SlackSender(oauth_app.url, standins.slack)
    yield sender
    sender.http.close()


def connect(slack: SlackSender, standins: StandIns, slack_user: str, as_user: int) -> None:
    name = f"connect-{slack_user}-{as_user}"
    slack.command("status", name, user_id=slack_user)
    slack.command("disconnect", name, user_id=slack_user)
    slack.command("1", name, user_id=slack_user)
    prompt = slack.answers(name, count=3)[2]
    assert consent(connect_url(prompt), standins, as_user).status_code == 200
    slack.answers(name, count=4)


def test_an_unconnected_user_is_asked_to_connect_and_nothing_is_read(
    slack: SlackSender, standins: StandIns
) -> None:
    before = standins.pipedrive.count()
    slack.command("1", "unconnected", user_id="U0NEW0001")
    (answer,) = slack.answers("unconnected")
    assert answer["response_type"] == "ephemeral"
    url = connect_url(answer)
    assert url.startswith(f"{standins.oauth.url}/oauth/authorize?client_id=")
    assert "redirect_uri=" in url and "state=" in url
    assert standins.pipedrive.count() == before


def test_connecting_answers_the_waiting_lookup_with_the_users_own_token(
    slack: SlackSender, standins: StandIns, oauth_app: AppProcess
) -> None:
    slack.command("1", "ann-first", user_id=SLACK_ANN)
    (prompt,) = slack.answers("ann-first")
    page = consent(connect_url(prompt), standins, ANN)
    assert page.status_code == 200 and "Connected to Pipedrive" in page.text
    assert "Ann Acme" in page.text
    _, card = slack.answers("ann-first", count=2)
    assert card["replace_original"] is True
    assert card["blocks"][0]["text"]["text"] == "Will Smith"
    reads = [r for r in standins.pipedrive.requests if r.path == "/api/v2/persons/1"]
    assert reads and standins.oauth.user_of(reads[-1]) == ANN
    assert "x-api-token" not in {key.lower() for key in reads[-1].headers}


def test_status_and_disconnect(slack: SlackSender, standins: StandIns) -> None:
    connect(slack, standins, "U0STATUS01", ANN)
    slack.command("status", "status-on", user_id="U0STATUS01")
    (status,) = slack.answers("status-on")
    assert "Connected to acme.pipedrive.com as *Ann Acme*" in status["text"]
    slack.command("disconnect", "disconnect", user_id="U0STATUS01")
    (gone,) = slack.answers("disconnect")
    assert "Disconnected" in gone["text"]
    slack.command("status", "status-off", user_id="U0STATUS01")
    (status,) = slack.answers("status-off")
    assert "have not connected" in status["text"]


def test_a_person_pipedrive_hides_from_a_user_is_not_shown_from_anyone_elses_cache(
    slack: SlackSender, standins: StandIns
) -> None:
    connect(slack, standins, "U0ANNHIDE1", ANN)
    connect(slack, standins, "U0BOBHIDE1", BOB)
    standins.oauth.hide(201, from_user_id=BOB)
    slack.command("201", "ann-sees", user_id="U0ANNHIDE1")  # read, and kept 30 s, for Ann
    (card,) = slack.answers("ann-sees")
    assert card["blocks"][0]["type"] == "header"
    slack.command("201", "bob-not", user_id="U0BOBHIDE1")
    (answer,) = slack.answers("bob-not")
    assert "not visible to you" in answer["text"]
    assert "header" not in json.dumps(answer["blocks"])


def test_an_expired_token_is_refreshed_once_and_the_card_comes(
    slack: SlackSender, standins: StandIns
) -> None:
    connect(slack, standins, "U0REFRESH1", ANN)
    refreshes = standins.oauth.refreshes
    standins.oauth.expire_access_tokens(ANN)
    slack.command("202", "after-expiry", user_id="U0REFRESH1")  # not in this user's cache
    (card,) = slack.answers("after-expiry")
    assert card["blocks"][0]["type"] == "header"
    assert standins.oauth.refreshes == refreshes + 1


def test_a_refused_refresh_asks_the_user_to_connect_again(
    slack: SlackSender, standins: StandIns
) -> None:
    connect(slack, standins, "U0REFUSED1", BOB)
    standins.oauth.expire_access_tokens(BOB)
    standins.oauth.refuse_refresh(BOB)
    slack.command("202", "refused", user_id="U0REFUSED1")
    (answer,) = slack.answers("refused")
    assert connect_url(answer)
    slack.command("status", "refused-status", user_id="U0REFUSED1")
    assert "have not connected" in slack.answers("refused-status")[0]["text"]


def test_a_reused_state_is_refused_and_stores_nothing(
    slack: SlackSender, standins: StandIns
) -> None:
    slack.command("1", "reuse", user_id="U0REUSE001")
    url = connect_url(slack.answers("reuse")[0])
    assert consent(url, standins, ANN).status_code == 200
    again = consent(url, standins, BOB)
    assert again.status_code == 400 and "expired" in again.text
    slack.command("status", "reuse-status", user_id="U0REUSE001")
    assert "*Ann Acme*" in slack.answers("reuse-status")[0]["text"]


@pytest.mark.parametrize("state", [{}, {"state": ""}], ids=["none", "empty"])
def test_a_connection_started_from_pipedrive_is_sent_to_slack(
    oauth_app: AppProcess, state: dict[str, str]
) -> None:
    # Pipedrive's Marketplace sends its installs to the callback with a code and no state.
    params = {"code": "marketplace-code", **state}
    page = httpx.get(f"{oauth_app.url}{CALLBACK}", params=params)
    assert page.status_code == 400
    assert "Connect from Slack" in page.text and "expired" not in page.text


@pytest.mark.parametrize("tampered", ["x", "a.b.c", "nonce.9999999999.forged-signature"], ids=repr)
def test_a_forged_state_is_refused(oauth_app: AppProcess, tampered: str) -> None:
    page = httpx.get(f"{oauth_app.url}{CALLBACK}", params={"code": "c", "state": tampered})
    assert page.status_code == 400 and "This link has expired" in page.text
    assert "<script" not in page.text


def test_denied_consent_stores_nothing(slack: SlackSender, standins: StandIns) -> None:
    slack.command("1", "deny", user_id="U0DENY0001")
    url = connect_url(slack.answers("deny")[0])
    standins.oauth.deny_next()
    page = consent(url, standins, ANN)
    assert page.status_code == 403 and "chose not to connect" in page.text
    slack.command("status", "deny-status", user_id="U0DENY0001")
    assert "have not connected" in slack.answers("deny-status")[0]["text"]


def test_an_account_of_another_company_is_refused(slack: SlackSender, standins: StandIns) -> None:
    slack.command("1", "foreign", user_id="U0FOREIGN1")
    page = consent(connect_url(slack.answers("foreign")[0]), standins, EVE)
    assert page.status_code == 403 and "another company" in page.text
    slack.command("status", "foreign-status", user_id="U0FOREIGN1")
    assert "have not connected" in slack.answers("foreign-status")[0]["text"]


def test_the_uninstall_notice_needs_the_apps_credentials(
    slack: SlackSender, standins: StandIns, oauth_app: AppProcess
) -> None:
    connect(slack, standins, "U0UNINST01", BOB)
    callback = f"{oauth_app.url}{CALLBACK}"
    wrong = standins.run(
        standins.oauth.send_uninstall(BOB, to=callback, client_secret="not-the-secret")
    )
    assert wrong == 401
    slack.command("status", "uninstall-kept", user_id="U0UNINST01")
    assert "*Bob Acme*" in slack.answers("uninstall-kept")[0]["text"]
    assert standins.run(standins.oauth.send_uninstall(BOB, to=callback)) == 200
    slack.command("status", "uninstall-gone", user_id="U0UNINST01")
    assert "have not connected" in slack.answers("uninstall-gone")[0]["text"]


def test_an_unconnected_posters_link_asks_them_to_connect(
    slack: SlackSender, standins: StandIns
) -> None:
    before = len(standins.slack.calls_to("chat.unfurl"))
    event = link_shared_event(["https://acme.pipedrive.com/person/1"], user="U0POSTER01")
    slack.event(event)
    wait_for(lambda: len(standins.slack.calls_to("chat.unfurl")) > before, what="chat.unfurl")
    call = standins.slack.calls_to("chat.unfurl")[-1]
    assert call.body["user_auth_required"] is True
    assert str(call.body["user_auth_url"]).startswith(f"{standins.oauth.url}/oauth/authorize")
    assert "unfurls" not in call.body


def test_the_database_never_holds_a_token_in_clear(
    slack: SlackSender, standins: StandIns, oauth_app: AppProcess
) -> None:
    connect(slack, standins, "U0CLEAR001", ANN)
    tokens = list(standins.oauth._access) + list(standins.oauth._refresh)
    assert tokens
    database: Path = oauth_app.database  # type: ignore[attr-defined]
    stored = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
    assert not any(token.encode() in stored for token in tokens)
    assert b"Bearer" not in stored
    assert all(token not in oauth_app.log() for token in tokens)
    assert "Will Smith" in all_text(
        slack.answers(f"connect-U0CLEAR001-{ANN}", count=4)[3]["blocks"]
    )


def details_requested(viewer: str, person_id: int) -> dict[str, Any]:
    return {
        "type": "entity_details_requested",
        "user": viewer,
        "external_ref": {"id": str(person_id), "type": "person"},
        "entity_url": f"https://acme.pipedrive.com/person/{person_id}",
        "trigger_id": f"trigger-{viewer}-{person_id}",
    }


def presented(slack: SlackSender, standins: StandIns, event: dict[str, Any]) -> dict[str, Any]:
    slack.event(event)

    def answered() -> list[Any]:
        calls = standins.slack.calls_to("entity.presentDetails")
        return [call for call in calls if call.body.get("trigger_id") == event["trigger_id"]]

    body: dict[str, Any] = wait_for(answered, what="entity.presentDetails")[0].body
    return body


def test_an_unconnected_viewer_of_a_work_object_is_asked_to_connect(
    slack: SlackSender, standins: StandIns
) -> None:
    body = presented(slack, standins, details_requested("U0PANE0001", 1))
    assert body["user_auth_required"] is True
    assert str(body["user_auth_url"]).startswith(f"{standins.oauth.url}/oauth/authorize")
    assert "metadata" not in body


def test_each_viewer_of_a_work_object_sees_what_their_pipedrive_shows(
    slack: SlackSender, standins: StandIns
) -> None:
    connect(slack, standins, "U0PANEANN1", ANN)
    connect(slack, standins, "U0PANEBOB1", BOB)
    standins.oauth.hide(202, from_user_id=BOB)
    seen = presented(slack, standins, details_requested("U0PANEANN1", 202))
    assert "metadata" in seen, seen
    assert seen["metadata"]["external_ref"]["id"] == "202"
    hidden = presented(slack, standins, details_requested("U0PANEBOB1", 202))
    assert hidden["error"]["status"] == "not_found" and "metadata" not in hidden


def test_the_home_tab_shows_the_viewers_own_connection_and_disconnects(
    slack: SlackSender, standins: StandIns
) -> None:
    def home(viewer: str) -> dict[str, Any]:
        before = len(standins.slack.calls_to("views.publish"))
        slack.event({"type": "app_home_opened", "user": viewer, "tab": "home"})
        calls = wait_for(
            lambda: standins.slack.calls_to("views.publish")[before:], what="views.publish"
        )
        view: dict[str, Any] = calls[0].body["view"]
        return view

    assert "Connect Pipedrive" in json.dumps(home("U0HOMETAB1"))
    connect(slack, standins, "U0HOMETAB1", ANN)
    assert "Connected as *Ann Acme*" in json.dumps(home("U0HOMETAB1"))
    before = len(standins.slack.calls_to("views.publish"))
    payload = {
        "type": "block_actions",
        "user": {"id": "U0HOMETAB1"},
        "team": {"id": "T111"},
        "container": {"type": "view", "view_id": "V1"},
        "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": "disconnect_pipedrive", "value": "me"}],
    }
    slack.action(payload)
    wait_for(lambda: standins.slack.calls_to("views.publish")[before:], what="the new Home tab")
    slack.command("status", "home-status", user_id="U0HOMETAB1")
    assert "have not connected" in slack.answers("home-status")[0]["text"]
