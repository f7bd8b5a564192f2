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

from blocks import (
    answer_message,
    builder_url,
    person_card,
    person_details_entity,
    person_entity,
    person_url,
    preview,
)
from bot.cards.connections import Viewer
from bot.cards.lookup import Lookup
from bot.cards.readers import Reader, SharedReader
from bot.cards.search import PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.writes import Writes
from bot.config import PipedriveSettings, settings_errors
from bot.domain import PersonCard
from bot.pipedrive import PipedriveClient
from devkit import PipedriveStandIn

DEMO_DOMAIN = "acme"
# Whoever runs the command: the card CLI reads with the API token, like api_token mode.
TERMINAL = Viewer(team_id="-", user_id="-")


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
        people, search = PeopleService.from_settings(client, settings), PeopleSearch(client)
        reader = Reader(people, search, Writes(client, attribute=True))
        answer = await Lookup(SharedReader(reader)).person(
            args.person_id, TERMINAL, reference="cli"
        )
    if not isinstance(answer, PersonCard):
        print(preview(answer_message(answer, company_domain=DEMO_DOMAIN).blocks), file=sys.stderr)
        return 1
    blocks = person_card(answer, company_domain=settings.pipedrive_company_domain)
    print(preview(blocks))
    print("\n--- Block Kit JSON " + "-" * 40)
    print(json.dumps({"blocks": blocks}, indent=2, ensure_ascii=False))
    print("\n--- See it as Slack draws it " + "-" * 31)
    print(builder_url(blocks))
    print_work_objects(answer, settings.pipedrive_company_domain)
    return 0


def print_work_objects(card: PersonCard, company_domain: str) -> None:
    """The card as Work Objects: its link unfurled (full and compact) and its details pane."""
    shared = person_url(company_domain, card.person.id)
    sections: list[tuple[str, dict[str, Any]]] = [
        (
            f"Work Object, {detail} unfurl (chat.unfurl metadata)",
            {
                "entities": [
                    person_entity(
                        card, company_domain=company_domain, app_unfurl_url=shared, detail=detail
                    )
                ]
            },
        )
        for detail in ("full", "compact")
    ]
    sections.append(
        (
            "Work Object details pane (entity.presentDetails metadata)",
            person_details_entity(card, company_domain=company_domain),
        )
    )
    for heading, metadata in sections:
        print(f"\n--- {heading} " + "-" * max(3, 55 - len(heading)))
        print(json.dumps(metadata, indent=2, ensure_ascii=False))


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
