"""Entry point: `python -m bot` serves the Slack app; `card` and `check` are tools."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError

from bot.config import Settings, settings_errors

USAGE = "usage: python -m bot [serve | card <person id> [--demo] | check | migrate | keygen]"


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("serve", [])
    if command == "card":
        from bot.cli import card_main

        return card_main(rest)
    if command in ("migrate", "keygen") and not rest:
        from bot.store.commands import keygen_command, migrate_command

        return migrate_command() if command == "migrate" else keygen_command()
    if command not in ("serve", "check") or rest:
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

        return asyncio.run(check(settings))
    from bot.logs import configure_logging
    from bot.slack.server import serve

    configure_logging(settings.log_level, secrets=_secrets(settings))
    asyncio.run(serve(settings))
    return 0


def _secrets(settings: Settings) -> list[str]:
    secrets = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.pipedrive_api_token,
        settings.slack_app_token,
    ]
    return [secret.get_secret_value() for secret in secrets if secret is not None]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
