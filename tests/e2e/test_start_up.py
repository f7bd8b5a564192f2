"""What `python -m bot` says before it serves: help, and settings that cannot work."""

from __future__ import annotations

import os

import pytest

from bot.config import PLACEHOLDERS
from devkit.harness import APP_TOKEN, BOT_TOKEN, StandIns, app_environment, run_bot


@pytest.mark.parametrize("word", ["--help", "-h", "help"])
def test_help_lists_every_command_with_a_line_each(word: str) -> None:
    done = run_bot(word, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith("  ")}
    assert set(listed) == {"serve", "card", "check", "migrate", "keygen", "help"}
    assert "apply database migrations (DATABASE_URL)" in listed["migrate"]
    assert "print a new TOKEN_ENCRYPTION_KEY" in listed["keygen"]
    assert done.stderr == ""


@pytest.mark.parametrize("argv", [["nonsense"], ["check", "extra"], ["serve", "--port=1"]])
def test_an_unknown_command_prints_the_usage_and_exits_2(argv: list[str]) -> None:
    done = run_bot(*argv, env=dict(os.environ))
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("usage: python -m bot [serve | card")
    assert done.stdout == ""


def test_an_unedited_copy_of_env_example_names_every_placeholder(standins: StandIns) -> None:
    values = {name.upper(): value for name, value in PLACEHOLDERS.items()}
    tried = len(standins.slack.calls_to("auth.test"))
    done = run_bot("check", env=app_environment(standins, **values))
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert sorted(line.split()[1] for line in errors) == sorted(values)
    assert all("still the placeholder from .env.example" in line for line in errors)
    assert len(standins.slack.calls_to("auth.test")) == tried  # nothing was tried
    assert done.stdout == ""


def test_swapped_slack_tokens_are_named_as_swapped(standins: StandIns) -> None:
    env = app_environment(standins, SLACK_BOT_TOKEN=APP_TOKEN, SLACK_APP_TOKEN=BOT_TOKEN)
    done = run_bot(env=env)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    bot_line, app_line = sorted(errors)
    assert bot_line.startswith("error: SLACK_APP_TOKEN is invalid: this is the bot token")
    assert app_line.startswith("error: SLACK_BOT_TOKEN is invalid: this is an app-level token")
    assert BOT_TOKEN not in done.stderr and APP_TOKEN not in done.stderr


def test_a_channel_name_in_unfurl_channels_says_where_to_find_the_id(standins: StandIns) -> None:
    done = run_bot(env=app_environment(standins, UNFURL_CHANNELS="C0123ABCD,general"))
    assert done.returncode == 2
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert line.startswith("error: UNFURL_CHANNELS is invalid: not Slack channel ids: general.")
    assert "channel's details → About → Channel ID" in line


def test_many_workspaces_with_one_shared_api_token_do_not_start(standins: StandIns) -> None:
    # SLACK_CLIENT_ID installs the app anywhere: one API token would show one company to all.
    secret = "slack-client-secret-0123456789"
    env = app_environment(standins, SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET=secret)
    done = run_bot(env=env)
    assert done.returncode == 2
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert line.startswith(
        "error: SLACK_CLIENT_ID is invalid: installing the app in many workspaces needs "
        "PIPEDRIVE_AUTH=oauth"
    )
    assert secret not in done.stderr


def test_without_a_bot_token_or_client_credentials_the_app_names_both(standins: StandIns) -> None:
    env = app_environment(standins)
    del env["SLACK_BOT_TOKEN"]
    done = run_bot(env=env)
    assert done.returncode == 2
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert line.startswith("error: SLACK_BOT_TOKEN is not set (one workspace needs it")
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET" in line
