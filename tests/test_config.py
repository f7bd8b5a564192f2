"""Settings that fail fast: one plain line per problem, before anything starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from bot.config import PLACEHOLDERS, Settings, settings_errors

ROOT = Path(__file__).resolve().parents[1]

REQUIRED: dict[str, Any] = {
    "slack_bot_token": "xoxb-1-2-abc",
    "slack_signing_secret": "secret",
    "pipedrive_api_token": "token",
    "pipedrive_company_domain": "acme",
}


def settings(**values: Any) -> Settings:
    """Settings from REQUIRED and `values`; a value of None leaves that setting unset."""
    chosen = {**REQUIRED, **values}
    return Settings(_env_file=None, **{k: v for k, v in chosen.items() if v is not None})  # type: ignore[call-arg]


def error_lines(**values: Any) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        settings(**values)
    return settings_errors(raised.value)


def test_unfurls_are_compact_unless_chosen_otherwise() -> None:
    assert settings().unfurl_detail == "compact"
    assert settings(unfurl_detail="full").unfurl_detail == "full"


# -- UNFURL_CHANNELS ----------------------------------------------------------------------


def test_channel_ids_are_kept_as_slack_writes_them() -> None:
    chosen = settings(unfurl_channels=" C0123ABCD, G0456EFGH12 ,D024BFF1M,")
    assert chosen.unfurl_channel_allow_list == frozenset({"C0123ABCD", "G0456EFGH12", "D024BFF1M"})


@pytest.mark.parametrize(
    "wrong",
    [
        "general",  # a name; upper-cased it would look like an id (GENERAL)
        "#sales",
        "c0123abcd",  # ids are upper case
        "C0123",  # too short
        "C0123ABCD01234",  # too long
        "U0123ABCD",  # a user, not a channel
        "C0123ABC-",
    ],
)
def test_anything_but_a_channel_id_is_refused_with_where_to_find_one(wrong: str) -> None:
    (line,) = error_lines(unfurl_channels=f"C0123ABCD,{wrong}")
    assert line.startswith("UNFURL_CHANNELS is invalid: not Slack channel ids: ")
    assert wrong in line and "C0123ABCD," not in line
    assert "channel's details → About → Channel ID" in line


# -- Slack tokens -------------------------------------------------------------------------


def test_an_app_token_in_the_bot_token_variable_is_named_as_swapped() -> None:
    (line,) = error_lines(slack_bot_token="xapp-1-A0-123-abc")
    assert line.startswith("SLACK_BOT_TOKEN is invalid: this is an app-level token (xapp-…)")
    assert "SLACK_APP_TOKEN" in line
    assert "xapp-1-A0-123-abc" not in line


def test_a_bot_token_in_the_app_token_variable_is_named_as_swapped() -> None:
    (line,) = error_lines(slack_app_token="xoxb-1-2-abc")
    assert line.startswith("SLACK_APP_TOKEN is invalid: this is the bot token (xoxb-)")
    assert "SLACK_BOT_TOKEN" in line


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"slack_bot_token": "xoxp-1-2-abc"}, "SLACK_BOT_TOKEN is invalid: this is a user token"),
        ({"slack_bot_token": "abc"}, "SLACK_BOT_TOKEN is invalid: must be the Bot User OAuth"),
        ({"slack_bot_token": " "}, "SLACK_BOT_TOKEN is invalid: must not be empty"),
        ({"slack_app_token": "abc"}, "SLACK_APP_TOKEN is invalid: must be an app-level token"),
    ],
)
def test_a_token_of_the_wrong_kind_is_refused(values: dict[str, str], expected: str) -> None:
    (line,) = error_lines(**values)
    assert line.startswith(expected)


def test_tokens_of_the_right_kind_are_taken() -> None:
    chosen = settings(slack_app_token="xapp-1-A0-123-abc")
    assert chosen.slack_bot_token.get_secret_value() == "xoxb-1-2-abc"
    assert chosen.slack_app_token is not None
    assert settings(slack_app_token="  ").slack_app_token is None


# -- .env.example placeholders -------------------------------------------------------------


def test_a_copy_of_env_example_left_as_it_is_names_every_placeholder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PIPEDRIVE_API_TOKEN", "PIPEDRIVE_COMPANY_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    lines = settings_errors(raised.value)
    assert sorted(line.split(" ", 1)[0] for line in lines) == sorted(
        name.upper() for name in PLACEHOLDERS
    )
    for line in lines:
        assert "is invalid: still the placeholder from .env.example" in line


def test_env_example_ships_exactly_the_placeholders_the_settings_refuse() -> None:
    assigned = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    filled = {name.lower(): value for name, value in assigned.items() if value}
    assert filled == PLACEHOLDERS


def test_each_problem_is_one_line() -> None:
    lines = error_lines(
        slack_bot_token=PLACEHOLDERS["slack_bot_token"],
        slack_app_token="xoxb-1",
        unfurl_channels="general",
        pipedrive_company_domain=PLACEHOLDERS["pipedrive_company_domain"],
    )
    assert [line.split(" ", 1)[0] for line in lines] == [
        "PIPEDRIVE_COMPANY_DOMAIN",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "UNFURL_CHANNELS",
    ]
    assert all("\n" not in line and "Value error" not in line for line in lines)


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # As a PaaS may set an optional variable left blank, or `NAME=` in a .env file.
    for name in ("PIPEDRIVE_BURST_LIMIT", "UNFURL_DETAIL", "SLACK_APP_TOKEN", "CARD_TIMEOUT"):
        monkeypatch.setenv(name, "")
    chosen = settings()
    assert chosen.pipedrive_burst_limit == 20
    assert chosen.unfurl_detail == "compact"
    assert chosen.slack_app_token is None
    assert chosen.card_timeout == 2.5


OAUTH = {
    "pipedrive_auth": "oauth",
    "pipedrive_client_id": "client-id",
    "pipedrive_client_secret": "client-secret",
    "public_url": "https://cards.example.com",
}


def test_oauth_mode_names_each_setting_it_lacks() -> None:
    lines = error_lines(pipedrive_auth="oauth")
    for name in ("PIPEDRIVE_CLIENT_ID", "PIPEDRIVE_CLIENT_SECRET", "PUBLIC_URL"):
        assert f"{name} is not set (PIPEDRIVE_AUTH=oauth needs it)" in lines
    assert "TOKEN_ENCRYPTION_KEY is not set (PIPEDRIVE_AUTH=oauth needs it)" in lines


def test_a_token_encryption_key_that_is_no_fernet_key_is_refused_by_position() -> None:
    good = Fernet.generate_key().decode()
    (line,) = error_lines(**OAUTH, token_encryption_key=f"{good},not-a-key")
    assert line.startswith("TOKEN_ENCRYPTION_KEY is invalid: key 2 is not a Fernet key")
    assert "not-a-key" not in line
    assert settings(**OAUTH, token_encryption_key=f"{good}, {good}").pipedrive_auth == "oauth"


def test_an_oauth_url_must_be_https_but_for_a_local_stand_in() -> None:
    key = Fernet.generate_key().decode()
    (line,) = error_lines(**OAUTH, token_encryption_key=key, pipedrive_oauth_url="http://x.io")
    assert line.startswith("PIPEDRIVE_OAUTH_URL is invalid: must be https")
    local = settings(**OAUTH, token_encryption_key=key, pipedrive_oauth_url="http://127.0.0.1:9")
    assert local.pipedrive_oauth_url.host == "127.0.0.1"


def test_socket_mode_cannot_take_pipedrives_oauth_callback() -> None:
    key = Fernet.generate_key().decode()
    (line,) = error_lines(**OAUTH, token_encryption_key=key, slack_app_token="xapp-1-A1-2-abc")
    assert line.startswith("SLACK_APP_TOKEN is invalid: Socket Mode serves no HTTP")


# -- one workspace or many ------------------------------------------------------------------

MANY_WORKSPACES: dict[str, Any] = {
    **OAUTH,
    "slack_signing_secret": "secret",
    "slack_client_id": "1111111111.2222222222",
    "slack_client_secret": "client-secret",
}


def many_workspaces(**values: Any) -> Settings:
    key = Fernet.generate_key().decode()
    chosen = {**MANY_WORKSPACES, "token_encryption_key": key, **values}
    return Settings(_env_file=None, **{k: v for k, v in chosen.items() if v is not None})  # type: ignore[call-arg]


def many_workspaces_errors(**values: Any) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        many_workspaces(**values)
    return settings_errors(raised.value)


def test_many_workspaces_need_no_bot_token_and_no_company() -> None:
    chosen = many_workspaces()
    assert chosen.many_workspaces
    assert chosen.slack_bot_token is None and chosen.pipedrive_company_domain == ""
    assert chosen.slack_redirect_uri == "https://cards.example.com/slack/oauth_redirect"
    assert str(chosen.slack_authorize_url) == "https://slack.com/oauth/v2/authorize"
    assert not settings().many_workspaces


def test_many_workspaces_need_each_user_to_read_as_themselves() -> None:
    (line,) = many_workspaces_errors(pipedrive_auth="api_token", pipedrive_api_token="token")
    assert line.startswith(
        "SLACK_CLIENT_ID is invalid: installing the app in many workspaces needs "
        "PIPEDRIVE_AUTH=oauth"
    )


def test_client_id_and_secret_go_together() -> None:
    (line,) = many_workspaces_errors(slack_client_secret=None)
    assert line.startswith("SLACK_CLIENT_SECRET is not set (SLACK_CLIENT_ID needs it")
    (line,) = error_lines(slack_client_secret="client-secret")
    assert (
        line
        == "SLACK_CLIENT_SECRET is invalid: is set without SLACK_CLIENT_ID: set both, or neither"
    )


def test_one_workspace_needs_a_bot_token_and_a_company() -> None:
    (line,) = error_lines(slack_bot_token=None)
    assert line.startswith("SLACK_BOT_TOKEN is not set (one workspace needs it; to install the")
    assert error_lines(pipedrive_company_domain=None) == ["PIPEDRIVE_COMPANY_DOMAIN is not set"]


def test_a_user_group_cannot_limit_many_workspaces() -> None:
    (line,) = many_workspaces_errors(allowed_usergroup="S0123ABCD")
    assert line.startswith("ALLOWED_USERGROUP is invalid: a user group belongs to one workspace")


def test_many_workspaces_serve_http() -> None:
    (line,) = many_workspaces_errors(slack_app_token="xapp-1-A1-2-abc")
    assert line.startswith("SLACK_APP_TOKEN is invalid: Socket Mode serves no HTTP")


def test_the_slack_authorize_url_must_be_https_but_for_a_local_stand_in() -> None:
    (line,) = many_workspaces_errors(slack_authorize_url="http://x.io/oauth/v2/authorize")
    assert line.startswith("SLACK_AUTHORIZE_URL is invalid: must be https")
    local = many_workspaces(slack_authorize_url="http://127.0.0.1:9/oauth/v2/authorize")
    assert local.slack_authorize_url.host == "127.0.0.1"
