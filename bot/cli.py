"""`python -m bot card` and `python -m bot check`: the card and the credentials, from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr, ValidationError

from blocks import builder_url, failure_message, person_card, preview

from .config import PipedriveSettings, settings_errors
from .people import PeopleService
from .pipedrive import PipedriveClient, PipedriveError
from .standins import PipedriveStandIn

DEMO_DOMAIN = "acme"


@asynccontextmanager
async def pipedrive_for_card(
    args: argparse.Namespace,
) -> AsyncIterator[tuple[PipedriveClient, str]]:
    """The client and company domain to use: the configured ones, or a sample stand-in (--demo)."""
    if args.demo:
        standin = PipedriveStandIn()
        await standin.start()
        try:
            async with PipedriveClient(
                origin=standin.url,
                api_token=SecretStr(standin.token),
                api_version=args.api_version or "v2",
            ) as client:
                yield client, DEMO_DOMAIN
        finally:
            await standin.stop()
        return
    settings = PipedriveSettings()  # read from the environment
    async with PipedriveClient(
        origin=settings.pipedrive_origin,
        api_token=settings.pipedrive_api_token,
        api_version=args.api_version or settings.pipedrive_api_version,
    ) as client:
        yield client, settings.pipedrive_company_domain


async def print_card(args: argparse.Namespace) -> int:
    async with pipedrive_for_card(args) as (client, company_domain):
        try:
            person = await PeopleService(client).person_card(args.person_id)
        except PipedriveError as error:
            message = failure_message(error, person_id=args.person_id, reference="cli")
            print(preview(message.blocks), file=sys.stderr)
            return 1
    blocks = person_card(person, company_domain=company_domain)
    print(preview(blocks))
    print("\n--- Block Kit JSON " + "-" * 40)
    print(json.dumps({"blocks": blocks}, indent=2, ensure_ascii=False))
    print("\n--- See it as Slack draws it " + "-" * 31)
    print(builder_url(blocks))
    return 0


def card_main(argv: list[str]) -> int:
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
