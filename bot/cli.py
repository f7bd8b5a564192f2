"""`python -m bot card` and `python -m bot check`: the card and the credentials, from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import SecretStr, ValidationError

from blocks import builder_url, failure_message, person_card, preview
from bot.cards.budget import BudgetExhausted
from bot.cards.service import PeopleService
from bot.config import PipedriveSettings, settings_errors
from bot.pipedrive import PipedriveClient, PipedriveError
from devkit import PipedriveStandIn

DEMO_DOMAIN = "acme"


@asynccontextmanager
async def settings_for_card(args: argparse.Namespace) -> AsyncIterator[PipedriveSettings]:
    """The configured settings, or (--demo) settings pointing at a sample Pipedrive stand-in."""
    overrides: dict[str, Any] = {}
    if args.api_version:
        overrides["pipedrive_api_version"] = args.api_version
    if not args.demo:
        yield PipedriveSettings(**overrides)  # the rest from the environment
        return
    standin = PipedriveStandIn()
    await standin.start()
    try:
        yield PipedriveSettings(
            pipedrive_api_token=SecretStr(standin.token),
            pipedrive_company_domain=DEMO_DOMAIN,
            pipedrive_api_url=standin.url,
            **overrides,
        )
    finally:
        await standin.stop()


async def print_card(args: argparse.Namespace) -> int:
    async with (
        settings_for_card(args) as settings,
        PipedriveClient.from_settings(settings) as client,
    ):
        company_domain = settings.pipedrive_company_domain
        try:
            person = await PeopleService.from_settings(client, settings).person_card(args.person_id)
        except PipedriveError as error:
            message = failure_message(error, person_id=args.person_id, reference="cli")
            print(preview(message.blocks), file=sys.stderr)
            return 1
        except BudgetExhausted as error:
            print(f"Pipedrive is too slow right now ({error}).", file=sys.stderr)
            return 1
    blocks = person_card(person, company_domain=company_domain)
    print(preview(blocks))
    print("\n--- Block Kit JSON " + "-" * 40)
    print(json.dumps({"blocks": blocks}, indent=2, ensure_ascii=False))
    print("\n--- See it as Slack draws it " + "-" * 31)
    print(builder_url(blocks))
    return 0


def card_main(argv: list[str]) -> int:
    # Piped into `head`, stop quietly when the reader has had enough, as other tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = argparse.ArgumentParser(
        prog="python -m bot card", description="Print a Pipedrive person's Slack card."
    )
    parser.add_argument("person_id", type=_positive_int, help="the Pipedrive person id")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use bundled sample data served by a local Pipedrive stand-in (no account needed)",
    )
    parser.add_argument(
        "--api-version", choices=["v1", "v2"], help="override PIPEDRIVE_API_VERSION"
    )
    args = parser.parse_args(argv)
    try:
        return asyncio.run(print_card(args))
    except ValidationError as error:
        for line in settings_errors(error):
            print(f"error: {line}", file=sys.stderr)
        return 2


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive person id")
    return int(text)
