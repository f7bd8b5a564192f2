"""`python -m bot check`'s pure parts: which scopes the manifest asks for, what Slack granted."""

from __future__ import annotations

from cryptography.fernet import Fernet

from bot.check import check_slack, granted_scopes, scope_finding
from bot.config import SLACK_BOT_SCOPES, Settings
from devkit.harness import manifest_bot_scopes


def test_check_asks_for_exactly_the_manifest_bot_scopes() -> None:
    # When manifest.yml gains a scope, SLACK_BOT_SCOPES must too: check misses it, and a
    # workspace installing the app would not be asked for it.
    assert sorted(SLACK_BOT_SCOPES) == sorted(manifest_bot_scopes())


def test_the_scopes_header_is_read_as_slack_writes_it() -> None:
    # The header as Slack's docs and clients show it: comma and space separated.
    assert granted_scopes({"X-OAuth-Scopes": "files:read, chat:write:bot"}) == {
        "files:read",
        "chat:write:bot",
    }
    assert granted_scopes({"x-oauth-scopes": "commands,links:read"}) == {"commands", "links:read"}
    assert granted_scopes({"x-oauth-scopes": ""}) == frozenset()
    assert granted_scopes({"content-type": "application/json"}) is None


def test_missing_scopes_are_named_in_the_manifest_order() -> None:
    finding = scope_finding(frozenset({"commands", "links:read", "links:write", "groups:read"}))
    assert finding.status == "FAIL"
    assert "lacks channels:read, im:read, mpim:read," in finding.text
    assert scope_finding(frozenset(SLACK_BOT_SCOPES) | {"chat:write"}).status == "ok"
    assert scope_finding(None).status == "note"


async def test_with_many_workspaces_check_names_the_install_page_and_tries_no_token() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_signing_secret="secret",
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        slack_api_url="http://127.0.0.1:9/api/",  # nothing listens: a call would fail
        pipedrive_auth="oauth",
        pipedrive_client_id="client-id",
        pipedrive_client_secret="client-secret",
        public_url="https://cards.example.com",
        token_encryption_key=Fernet.generate_key().decode(),
    )
    (finding,) = await check_slack(settings)
    assert finding.status == "note"
    assert "https://cards.example.com/slack/install" in finding.text
