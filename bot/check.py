"""`python -m bot check`: try the configured credentials and settings, say in plain words what
works and what to fix.

Slack: the bot token (`auth.test`) and its scopes against the manifest's (Slack names a token's
scopes in the `x-oauth-scopes` header of every Web API answer), the app-level token when set
(`apps.connections.open`), each `UNFURL_CHANNELS` id (`conversations.info`). Pipedrive: the
token and company (`/v1/users/me`), the `PERSON_CARD_FIELDS` names against the company's
fields, and one person read the way cards read them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import aiohttp
import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.field_choice import unmatched_field_names
from bot.config import HEALTH_PATH, SLACK_BOT_SCOPES, SLACK_INSTALL_PATH, Settings
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveForbidden,
    PipedriveUnavailable,
)
from bot.store import database_url, migrate, printable_url

_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)
_FIND_CHANNEL_ID = "channel details → About → Channel ID"


@dataclass(frozen=True)
class Finding:
    """One line of the report: `ok`, `FAIL` (something to fix) or `note`."""

    status: Literal["ok", "FAIL", "note"]
    text: str

    def line(self) -> str:
        return f"{self.status:<6}{self.text}"


def ok(text: str) -> Finding:
    return Finding("ok", text)


def fail(text: str) -> Finding:
    return Finding("FAIL", text)


async def check(settings: Settings) -> int:
    """Print one line per finding; exit status 0 when nothing failed, 1 otherwise."""
    groups = await asyncio.gather(
        check_slack(settings), check_app_token(settings), check_pipedrive(settings)
    )
    findings = [finding for group in groups for finding in group]
    for finding in findings:
        print(finding.line())
    print("note  SLACK_SIGNING_SECRET is set; Slack tests it with the first request it sends.")
    return 1 if any(finding.status == "FAIL" for finding in findings) else 0


# -- Pipedrive, oauth mode -------------------------------------------------------------------


async def check_oauth(settings: Settings) -> list[Finding]:
    """PIPEDRIVE_AUTH=oauth reads with each user's own token: what can be tried without one is
    the database, the key, and that PUBLIC_URL reaches this app (Pipedrive redirects there)."""
    findings: list[Finding] = []
    url = database_url(settings.database_url.get_secret_value() if settings.database_url else None)
    try:
        await migrate(url)
        findings.append(ok(f"Database: {printable_url(url)} is at the newest schema."))
    except Exception as error:  # any driver's error: say it, do not crash
        findings.append(fail(f"Database: {printable_url(url)} ({type(error).__name__})."))
    findings.append(ok("TOKEN_ENCRYPTION_KEY: a valid key list."))
    health = f"{str(settings.public_url).rstrip('/')}{HEALTH_PATH}"
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            answer = await http.get(health)
        if answer.status_code == 200:
            findings.append(ok(f"PUBLIC_URL: {health} answers, so Pipedrive can send users back."))
        else:
            findings.append(fail(f"PUBLIC_URL: {health} answered HTTP {answer.status_code}."))
    except httpx.HTTPError as error:
        findings.append(
            fail(f"PUBLIC_URL: {health} does not answer ({type(error).__name__}): is it this app?")
        )
    findings.append(
        Finding(
            "note", "Pipedrive: PIPEDRIVE_AUTH=oauth; each user's token is tried as they connect."
        )
    )
    return findings


# -- Slack --------------------------------------------------------------------------------


def _slack_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token
    return AsyncWebClient(
        token=None if token is None or settings.many_workspaces else token.get_secret_value(),
        base_url=settings.slack_api_base_url,
        timeout=10,
    )


async def check_slack(settings: Settings) -> list[Finding]:
    if settings.many_workspaces:
        install = f"{str(settings.public_url).rstrip('/')}{SLACK_INSTALL_PATH}"
        return [
            Finding(
                "note",
                f"Slack: installed per workspace (SLACK_CLIENT_ID) at {install}; each "
                "workspace's bot token is stored as it installs.",
            )
        ]
    client = _slack_client(settings)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        return [
            fail(f"Slack rejected SLACK_BOT_TOKEN ({reason}): copy the Bot User OAuth Token again.")
        ]
    except _NETWORK_ERRORS as error:
        where = settings.slack_api_base_url
        return [fail(f"Slack: cannot reach {where} ({type(error).__name__}); is there a network?")]
    found = [
        ok(
            f"Slack: bot @{answer.get('user')} is installed in workspace "
            f"{answer.get('team')} ({answer.get('url')})."
        ),
        scope_finding(granted_scopes(answer.headers)),
    ]
    channels = sorted(settings.unfurl_channel_allow_list or ())
    found += await asyncio.gather(*(channel_finding(client, channel) for channel in channels))
    return found


def granted_scopes(headers: Mapping[str, str]) -> frozenset[str] | None:
    """The scopes in Slack's `x-oauth-scopes` header ("a, b,c"); None when there is none."""
    value = next((v for k, v in headers.items() if k.lower() == "x-oauth-scopes"), None)
    if value is None:
        return None
    return frozenset(scope.strip() for scope in value.split(",") if scope.strip())


def scope_finding(granted: frozenset[str] | None) -> Finding:
    if granted is None:
        return Finding("note", "Slack did not name the bot token's scopes; they were not checked.")
    missing = [scope for scope in SLACK_BOT_SCOPES if scope not in granted]
    if missing:
        return fail(
            f"Slack: the bot token lacks {', '.join(missing)}, which manifest.yml asks for: "
            "reinstall the app (Install App → Reinstall to Workspace) to grant them."
        )
    count = len(SLACK_BOT_SCOPES)
    return ok(f"Slack: the bot token has every scope manifest.yml asks for ({count}).")


async def channel_finding(client: AsyncWebClient, channel: str) -> Finding:
    try:
        answer = await client.conversations_info(channel=channel)
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        if reason == "channel_not_found":
            return fail(
                f"UNFURL_CHANNELS: Slack finds no channel {channel} (channel_not_found): check the"
                f" id ({_FIND_CHANNEL_ID}); a private channel must have the app invited first."
            )
        return fail(f"UNFURL_CHANNELS: Slack cannot describe {channel} ({reason}).")
    except _NETWORK_ERRORS as error:
        return fail(f"UNFURL_CHANNELS: cannot look up {channel} ({type(error).__name__}).")
    info = answer.get("channel")
    name = info.get("name") if isinstance(info, dict) else None
    return ok(f"UNFURL_CHANNELS: {channel} is {'#' + name if name else 'a conversation'}.")


async def check_app_token(settings: Settings) -> list[Finding]:
    if settings.slack_app_token is None:
        return []
    client = _slack_client(settings)
    try:
        await client.apps_connections_open(app_token=settings.slack_app_token.get_secret_value())
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        return [
            fail(
                f"Slack rejected SLACK_APP_TOKEN ({reason}): generate an app-level token with"
                " connections:write under Basic Information → App-Level Tokens."
            )
        ]
    except _NETWORK_ERRORS as error:
        return [fail(f"Slack: cannot open a Socket Mode connection ({type(error).__name__}).")]
    return [ok("Slack: SLACK_APP_TOKEN opens Socket Mode connections.")]


# -- Pipedrive ----------------------------------------------------------------------------


async def check_pipedrive(settings: Settings) -> list[Finding]:
    if settings.pipedrive_auth == "oauth":
        return await check_oauth(settings)
    domain = settings.pipedrive_company_domain
    async with PipedriveClient.from_settings(settings) as client:
        try:
            me = await client.current_user()
        except PipedriveAuthError:
            return [
                fail(
                    "Pipedrive rejected PIPEDRIVE_API_TOKEN: copy it again from"
                    " Personal preferences > API."
                )
            ]
        except PipedriveForbidden:
            return [fail("Pipedrive: the token works but the account is not open (402/403).")]
        except PipedriveUnavailable as error:
            return [fail(f"Pipedrive: cannot reach {settings.pipedrive_origin} ({error}).")]
        except PipedriveError as error:
            return [fail(f"Pipedrive: unexpected answer ({error}).")]
        company = f"{me.company_name} ({me.company_domain}.pipedrive.com)"
        if me.company_domain and me.company_domain != domain:
            return [
                fail(
                    f"Pipedrive: the token belongs to {company}, but PIPEDRIVE_COMPANY_DOMAIN is "
                    f"{domain!r}: set it to {me.company_domain!r}, or links will not unfurl."
                )
            ]
        fields, person = await asyncio.gather(
            field_choice_finding(client, settings.person_card_field_choice),
            person_read_finding(client),
        )
    token = ok(
        f"Pipedrive: token of {me.name} <{me.email}> at {company},"
        f" API {settings.pipedrive_api_version}."
    )
    return [finding for finding in (token, fields, person) if finding is not None]


async def field_choice_finding(client: PipedriveClient, choice: tuple[str, ...]) -> Finding | None:
    if not choice:
        return None
    try:
        definitions = await client.person_fields()
    except PipedriveError as error:
        return fail(f"PERSON_CARD_FIELDS: cannot read the person fields ({error}).")
    unmatched = unmatched_field_names(choice, definitions)
    if unmatched:
        names = ", ".join(repr(name) for name in unmatched)
        verb = "matches" if len(unmatched) == 1 else "match"
        return fail(
            f"PERSON_CARD_FIELDS: {names} {verb} no custom person field: use the field's name as"
            " Pipedrive shows it (any case) or its key; cards leave these out."
        )
    return ok(f"PERSON_CARD_FIELDS: all {len(choice)} fields found.")


async def person_read_finding(client: PipedriveClient) -> Finding:
    try:
        person_id = await client.first_person_id()
        if person_id is None:
            return Finding("note", "Pipedrive: this token sees no persons yet; none was read.")
        await client.person(person_id)
    except PipedriveForbidden:
        return fail(
            "Pipedrive: the token may not read persons (403): check its user's permissions."
        )
    except PipedriveError as error:
        return fail(f"Pipedrive: reading a person failed ({error}).")
    # The id only: a check's output ends up in deploy logs, which are no place for contact data.
    return ok(f"Pipedrive: read person {person_id} as cards read them (API {client.api_version}).")
