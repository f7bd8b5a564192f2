"""`python -m bot check`: try the configured credentials and say in plain words what works."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.pipedrive import (
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveForbidden,
    PipedriveUnavailable,
)


async def check(settings: Settings) -> int:
    """Print one line per check; exit status 0 when everything works, 1 otherwise."""
    results = await asyncio.gather(check_slack(settings), check_pipedrive(settings))
    for ok, line in results:
        print(("ok    " if ok else "FAIL  ") + line)
    print("note  SLACK_SIGNING_SECRET is set; Slack tests it with the first request it sends.")
    return 0 if all(ok for ok, _ in results) else 1


async def check_slack(settings: Settings) -> tuple[bool, str]:
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_base_url,
        timeout=10,
    )
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        return (
            False,
            f"Slack rejected SLACK_BOT_TOKEN ({reason}): copy the Bot User OAuth Token again.",
        )
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        where = settings.slack_api_base_url
        return False, f"Slack: cannot reach {where} ({type(error).__name__}); is there a network?"
    return True, (
        f"Slack: bot @{answer.get('user')} is installed in workspace "
        f"{answer.get('team')} ({answer.get('url')})."
    )


async def check_pipedrive(settings: Settings) -> tuple[bool, str]:
    domain = settings.pipedrive_company_domain
    async with PipedriveClient.from_settings(settings) as client:
        try:
            me = await client.current_user()
        except PipedriveAuthError:
            return (
                False,
                "Pipedrive rejected PIPEDRIVE_API_TOKEN: copy it again from"
                " Personal preferences > API.",
            )
        except PipedriveForbidden:
            return False, "Pipedrive: the token works but the account is not open (402/403)."
        except PipedriveUnavailable as error:
            return False, f"Pipedrive: cannot reach {settings.pipedrive_origin} ({error})."
        except PipedriveError as error:
            return False, f"Pipedrive: unexpected answer ({error})."
    company = f"{me.company_name} ({me.company_domain}.pipedrive.com)"
    if me.company_domain and me.company_domain != domain:
        return False, (
            f"Pipedrive: the token belongs to {company}, but PIPEDRIVE_COMPANY_DOMAIN is "
            f"{domain!r}: set it to {me.company_domain!r}, or links will not unfurl."
        )
    return (
        True,
        f"Pipedrive: token of {me.name} <{me.email}> at {company},"
        f" API {settings.pipedrive_api_version}.",
    )
