"""Entry point: `python -m bot` serves the Slack app; `card` and `check` are tools."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from bot.config import Settings, settings_errors

USAGE = "usage: python -m bot [serve | card <person id> [--demo] | check | migrate | keygen | help]"
# Each command and one line about it, for `python -m bot help`.
COMMANDS = (
    ("serve", "answer Slack (the default): HTTP on $PORT, or Socket Mode with SLACK_APP_TOKEN"),
    ("card <person id> [--demo]", "print a person's card; --demo: bundled sample data"),
    ("check", "try the settings with Slack and Pipedrive and say what to fix"),
    ("migrate", "apply database migrations (DATABASE_URL)"),
    ("keygen", "print a new TOKEN_ENCRYPTION_KEY"),
    ("help", "print this help (also -h, --help)"),
)
HELP_WORDS = ("help", "-h", "--help")


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("serve", [])
    if command in HELP_WORDS:
        print(help_text())
        return 0
    if command == "card":
        from bot.cli import card_main

        return card_main(rest)
    if command in ("migrate", "keygen") and not rest:
        from bot.store.commands import keygen_command, migrate_command

        return migrate_command() if command == "migrate" else keygen_command()
    if command not in ("serve", "check") or rest:
        wrong = command if command not in ("serve", "check") else " ".join(rest)
        print(f"error: unknown command or argument: {wrong}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = Settings()  # read from the environment
    except ValidationError as error:
        for line in settings_errors(error):
            print(f"error: {line}", file=sys.stderr)
        print("See .env.example and the README's Configuration section.", file=sys.stderr)
        return 2
    if command == "check":
        from bot.check import check

        try:
            return asyncio.run(check(settings))
        except KeyboardInterrupt:
            return 130
    from bot.logs import configure_logging
    from bot.slack.server import AppTokenRefused, serve

    configure_logging(settings.log_level, secrets=_secrets(settings))
    try:
        asyncio.run(serve(settings))
    except AppTokenRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    return 0


def help_text() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = [f"  {name:<{width}}  {about}" for name, about in COMMANDS]
    return "\n".join([USAGE, "", "commands:", *lines, "", "Settings: .env.example, README.md."])


def _secrets(settings: Settings) -> list[str]:
    secrets = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.pipedrive_api_token,
        settings.slack_app_token,
        settings.slack_client_secret,
    ]
    return [secret.get_secret_value() for secret in secrets if secret is not None]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
