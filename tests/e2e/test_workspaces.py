"""Many workspaces through the real process: two workspaces install the app with "Add to
Slack", each is answered with its own bot token and its own Pipedrive company's data, and
uninstalling one leaves the other working.

The Slack stand-in plays Slack's side of the install (the approval page, `oauth.v2.access`
with a bot token per workspace, `auth.test`) and records the `Authorization` header of every
Web API call; the Pipedrive OAuth stand-in connects users of two companies, each company naming
person 1 its own way.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
    manifest_bot_scopes,
    wait_for,
)

ACME, INITECH = "T0ACME0001", "T0INITECH1"  # the two Slack workspaces
ACME_COMPANY_ID, INITECH_COMPANY_ID = 54235233, 77
# Pipedrive users: two at acme, one at initech.
ACME_ANN, ACME_AL, INITECH_IVY = 711, 712, 713
INITECH_NAME = "Ines Initech"  # person 1 at initech; at acme it is the sample's Will Smith
ACME_LINK = "https://acme.pipedrive.com/person/1"
INITECH_LINK = "https://initech.pipedrive.com/person/1"


@pytest.fixture(scope="module")
def many_app(standins: StandIns) -> Iterator[AppProcess]:
    oauth = standins.oauth
    oauth.add_user(ACME_ANN, "Ann Acme", "ann@acme.example")
    oauth.add_user(ACME_AL, "Al Acme", "al@acme.example")
    oauth.add_user(
        INITECH_IVY,
        "Ivy Initech",
        "ivy@initech.example",
        company_id=INITECH_COMPANY_ID,
        company_domain="initech",
    )
    oauth.rename(1, INITECH_NAME, company_id=INITECH_COMPANY_ID)
    database = Path(tempfile.mkdtemp(prefix="bot-workspaces-")) / "app.db"
    env = app_environment(
        standins,
        PIPEDRIVE_AUTH="oauth",
        PIPEDRIVE_CLIENT_ID=oauth.client_id,
        PIPEDRIVE_CLIENT_SECRET=oauth.client_secret,
        PIPEDRIVE_OAUTH_URL=oauth.url,
        SLACK_CLIENT_ID=standins.slack.client_id,
        SLACK_CLIENT_SECRET=standins.slack.client_secret,
        SLACK_AUTHORIZE_URL=standins.slack.authorize_url,
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        UNFURL_STYLE="blocks",
        UNFURL_DETAIL="full",
    )
    # Many workspaces need no bot token, no API token and no one company.
    for name in ("SLACK_BOT_TOKEN", "PIPEDRIVE_API_TOKEN", "PIPEDRIVE_COMPANY_DOMAIN"):
        del env[name]
    app = AppProcess(env)
    app.env["PUBLIC_URL"] = app.url
    app.start()
    app.database = database  # type: ignore[attr-defined]
    yield app
    app.terminate()


def install(app: AppProcess, standins: StandIns, team: str) -> str:
    """An admin of `team` opens the "Add to Slack" page, approves, and comes back; the bot
    token Slack gave that workspace."""
    with httpx.Client(timeout=10) as browser:
        page = browser.get(f"{app.url}/slack/install", params={"team": team})
        assert page.status_code == 200 and 'alt="Add to Slack"' in page.text
        found = re.search(r'<a href="([^"]+)"', page.text)
        assert found is not None
        approve = html.unescape(found.group(1))
        assert approve.startswith(standins.slack.authorize_url)
        asked = parse_qs(urlsplit(approve).query)
        assert sorted(asked["scope"][0].split(",")) == sorted(manifest_bot_scopes())
        assert asked["redirect_uri"] == [f"{app.url}/slack/oauth_redirect"]
        # The state cookie is `Secure`, which a cookie jar keeps off plain http: carry it over.
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        approved = browser.get(approve)
        assert approved.status_code == 302
        back = browser.get(approved.headers["location"], headers={"Cookie": cookie})
    assert back.status_code == 200, back.text
    return standins.slack.token_of(team)


def unfurled(slack: SlackSender, standins: StandIns, urls: list[str], user: str) -> Any:
    """The chat.unfurl call that answers a `link_shared` event with these links."""
    before = len(standins.slack.calls_to("chat.unfurl"))
    slack.event(link_shared_event(urls, user=user))
    calls = wait_for(lambda: standins.slack.calls_to("chat.unfurl")[before:], what="chat.unfurl")
    return calls[0]


def rows(app: AppProcess, query: str, *params: str) -> list[tuple[Any, ...]]:
    database: Path = app.database  # type: ignore[attr-defined]
    with sqlite3.connect(database) as sql:
        return sql.execute(query, params).fetchall()


def test_two_workspaces_each_with_its_own_token_and_company_and_one_uninstalled(
    many_app: AppProcess, standins: StandIns
) -> None:
    acme_token = install(many_app, standins, ACME)
    initech_token = install(many_app, standins, INITECH)
    assert acme_token != initech_token
    database: Path = many_app.database  # type: ignore[attr-defined]
    stored = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
    assert acme_token.encode() not in stored and initech_token.encode() not in stored
    acme = SlackSender(many_app.url, standins.slack, workspace=ACME)
    initech = SlackSender(many_app.url, standins.slack, workspace=INITECH)

    # The first member to connect binds each workspace to their company.
    acme.command("1", "acme-first", user_id="U0ACMEANN1")
    prompt = acme.answers("acme-first")[0]
    assert consent(connect_url(prompt), standins, ACME_ANN).status_code == 200
    acme_card = acme.answers("acme-first", count=2)[1]
    assert acme_card["blocks"][0]["text"]["text"] == "Will Smith"
    assert "acme.pipedrive.com/person/1" in all_text(acme_card["blocks"])

    initech.command("1", "initech-first", user_id="U0INITIVY1")
    prompt = initech.answers("initech-first")[0]
    assert consent(connect_url(prompt), standins, INITECH_IVY).status_code == 200
    initech_card = initech.answers("initech-first", count=2)[1]
    assert initech_card["blocks"][0]["text"]["text"] == INITECH_NAME
    assert "initech.pipedrive.com/person/1" in all_text(initech_card["blocks"])
    assert "acme.pipedrive.com" not in all_text(initech_card["blocks"])

    # A member of the initech workspace cannot connect an acme account there.
    initech.command("2", "initech-foreign", user_id="U0INITACM1")
    prompt = initech.answers("initech-foreign")[0]
    page = consent(connect_url(prompt), standins, ACME_AL)
    assert page.status_code == 403 and "another company" in page.text
    refused = initech.answers("initech-foreign", count=2)[1]
    assert refused["replace_original"] is True and refused["response_type"] == "ephemeral"
    assert "belongs to another company" in refused["text"]
    assert "initech.pipedrive.com" in refused["text"]
    initech.command("status", "initech-foreign-status", user_id="U0INITACM1")
    assert "have not connected" in initech.answers("initech-foreign-status")[0]["text"]

    # Unfurls go out with each workspace's own bot token, and only its company's links unfurl.
    call = unfurled(acme, standins, [ACME_LINK], "U0ACMEANN1")
    assert call.headers["Authorization"] == f"Bearer {acme_token}"
    assert "Will Smith" in all_text(call.body["unfurls"][ACME_LINK]["blocks"])
    call = unfurled(initech, standins, [ACME_LINK, INITECH_LINK], "U0INITIVY1")
    assert call.headers["Authorization"] == f"Bearer {initech_token}"
    assert list(call.body["unfurls"]) == [INITECH_LINK]
    assert INITECH_NAME in all_text(call.body["unfurls"][INITECH_LINK]["blocks"])

    # The Home tab is published with the viewer's workspace's token and names its company.
    before = len(standins.slack.calls_to("views.publish"))
    initech.event({"type": "app_home_opened", "user": "U0INITIVY1", "tab": "home"})
    (publish,) = wait_for(
        lambda: standins.slack.calls_to("views.publish")[before:], what="views.publish"
    )
    assert publish.headers["Authorization"] == f"Bearer {initech_token}"
    assert "initech.pipedrive.com" in json.dumps(publish.body["view"])

    # acme removes the app: Slack revokes its token and says so.
    standins.slack.uninstall(ACME)
    acme.event({"type": "app_uninstalled"})
    wait_for(  # the connections go last
        lambda: (
            not rows(many_app, "SELECT 1 FROM pipedrive_connections WHERE slack_team_id = ?", ACME)
        ),
        what="acme's connections to be forgotten",
    )
    assert rows(many_app, "SELECT 1 FROM slack_bots WHERE team_id = ?", ACME) == []
    assert rows(many_app, "SELECT 1 FROM slack_installations WHERE team_id = ?", ACME) == []
    assert rows(many_app, "SELECT 1 FROM workspace_companies WHERE slack_team_id = ?", ACME) == []
    assert rows(many_app, "SELECT 1 FROM slack_bots WHERE team_id = ?", INITECH) != []

    # acme's members are told the app is gone; initech works as before.
    acme.command("1", "acme-after", user_id="U0ACMEANN1")
    assert "reinstall" in acme.answers("acme-after")[0]["text"]
    initech.command("1", "initech-after", user_id="U0INITIVY1")
    assert initech.answers("initech-after")[0]["blocks"][0]["text"]["text"] == INITECH_NAME
    call = unfurled(initech, standins, [INITECH_LINK], "U0INITIVY1")
    assert call.headers["Authorization"] == f"Bearer {initech_token}"
    assert INITECH_NAME in all_text(call.body["unfurls"][INITECH_LINK]["blocks"])
    assert acme_token not in many_app.log() and initech_token not in many_app.log()


def test_a_forged_install_redirect_stores_nothing(many_app: AppProcess, standins: StandIns) -> None:
    # No state cookie from the "Add to Slack" page: Bolt refuses it before exchanging the code.
    before = len(standins.slack.calls_to("oauth.v2.access"))
    page = httpx.get(
        f"{many_app.url}/slack/oauth_redirect", params={"code": "stolen", "state": "forged"}
    )
    assert page.status_code == 400
    assert len(standins.slack.calls_to("oauth.v2.access")) == before


def test_a_revoked_bot_token_forgets_the_workspaces_installation(
    many_app: AppProcess, standins: StandIns
) -> None:
    team = "T0REVOKED1"
    install(many_app, standins, team)
    assert rows(many_app, "SELECT 1 FROM slack_installations WHERE team_id = ?", team) != []
    standins.slack.uninstall(team)
    sender = SlackSender(many_app.url, standins.slack, workspace=team)
    sender.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOTREVOKED"]}})
    wait_for(
        lambda: not rows(many_app, "SELECT 1 FROM slack_installations WHERE team_id = ?", team),
        what="the installation to be forgotten",
    )
    assert rows(many_app, "SELECT 1 FROM slack_bots WHERE team_id = ?", team) == []


def test_in_a_workspace_nobody_connected_in_any_companys_link_asks_to_connect(
    many_app: AppProcess, standins: StandIns
) -> None:
    team = "T0UNBOUND1"
    token = install(many_app, standins, team)
    sender = SlackSender(many_app.url, standins.slack, workspace=team)
    reads = standins.pipedrive.count()
    call = unfurled(sender, standins, [INITECH_LINK], "U0UNBOUND1")
    assert call.headers["Authorization"] == f"Bearer {token}"
    assert call.body["user_auth_required"] is True and "unfurls" not in call.body
    assert str(call.body["user_auth_url"]).startswith(f"{standins.oauth.url}/oauth/authorize")
    assert standins.pipedrive.count() == reads


def test_an_admin_sets_up_the_company_before_anyone_connects(
    many_app: AppProcess, standins: StandIns
) -> None:
    team = "T0SETUP001"
    install(many_app, standins, team)
    sender = SlackSender(many_app.url, standins.slack, workspace=team)
    help_text = sender.command("help", "setup-help").json()["text"]
    assert "/person setup acme" in help_text and "/person status" in help_text

    sender.command("setup initech", "setup-member", user_id="U0SETMEMB1")
    assert "Only a workspace admin or owner" in sender.answers("setup-member")[0]["text"]
    standins.slack.admins.add("U0SETADMN1")
    try:
        sender.command("setup https://initech.pipedrive.com", "setup", user_id="U0SETADMN1")
        assert "This workspace reads initech.pipedrive.com" in sender.answers("setup")[0]["text"]
        sender.command("setup acme", "setup-again", user_id="U0SETADMN1")
        again = sender.answers("setup-again")[0]["text"]
        assert "already reads initech.pipedrive.com" in again
    finally:
        standins.slack.admins.discard("U0SETADMN1")

    # Members connect accounts of the company the admin named, not of the first to connect.
    sender.command("1", "setup-acme", user_id="U0SETACME1")
    page = consent(connect_url(sender.answers("setup-acme")[0]), standins, ACME_AL)
    assert page.status_code == 403 and "another company" in page.text
    sender.command("1", "setup-ivy", user_id="U0SETIVY01")
    assert consent(connect_url(sender.answers("setup-ivy")[0]), standins, INITECH_IVY).is_success
    card = sender.answers("setup-ivy", count=2)[1]
    assert card["blocks"][0]["text"]["text"] == INITECH_NAME
