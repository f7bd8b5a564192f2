"""The oauth-mode run: `/person` bursts by many Slack users, each reading with their own token.

The app runs as the Procfile starts it with `PIPEDRIVE_AUTH=oauth`, a SQLite file in a
temporary directory as `DATABASE_URL` and a fresh Fernet `TOKEN_ENCRYPTION_KEY`, against the
Pipedrive OAuth stand-in (`devkit/pipedrive_oauth.py`) and an API stand-in that keeps a burst
window per bearer token. Each Slack user has a Pipedrive user of their own and connects first,
outside the timed part, as a user does: `/person 1` answers with the Connect button, its URL is
opened (the stand-in consents as that user and sends the browser back to the app's callback),
and the waiting lookup is answered with the card. Then each round sends a burst of commands over
people nobody has looked up yet, command n by user n mod users. The same load, users and first
cards included, goes to the app in api_token mode (one API token for everyone), in alternating
rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from devkit import PipedriveOAuthStandIn, PipedriveStandIn, SlackStandIn
from devkit.harness import PIPEDRIVE_TOKEN, AppProcess

from .load import (
    Load,
    Target,
    alternate_rounds,
    background,
    bench_environment,
    first_cards,
    is_card,
)

FIRST_PIPEDRIVE_USER = 7001
CONNECT_ACTION_ID = "connect_pipedrive"


def slack_user(number: int) -> str:
    return f"U0BENCH{number:04d}"


API_TOKEN = "api_token"
OAUTH = "oauth"


@dataclass
class OAuthRun:
    """What the oauth-mode run measured, beside the same load in api_token mode."""

    users: int
    targets: dict[str, Target] = field(default_factory=dict)  # API_TOKEN, OAUTH
    connect_requests: int = 0  # Pipedrive requests while the users connected (not timed)
    connect_tokens: int = 0
    peak_rss_mib: dict[str, float] = field(default_factory=dict)


def connect_url(answer: dict[str, Any]) -> str | None:
    """The Connect button's URL in an answer, if it has one."""
    for block in answer.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == CONNECT_ACTION_ID and element.get("url"):
                return str(element["url"])
    return None


async def connect(
    load: Load, oauth: PipedriveOAuthStandIn, http: httpx.AsyncClient, user: str, as_user: int
) -> None:
    """`user` runs `/person 1`, opens the Connect link and consents as Pipedrive user `as_user`;
    returns once the waiting lookup was answered with the card."""
    name = f"connect-{user}"
    await load.command(1, name, user=user)
    prompt = await load.posts(name, 1, timeout=10)
    url = connect_url(prompt[0].body) if prompt else None
    if url is None:
        raise RuntimeError(f"{user}: /person 1 answered without a Connect button: {prompt}")
    oauth.consenting_user = as_user
    page = await http.get(url, follow_redirects=True, timeout=10)
    if page.status_code != 200:
        raise RuntimeError(f"{user}: connecting ended with HTTP {page.status_code}: {page.text}")
    answers = await load.posts(name, 2, timeout=10)
    if len(answers) < 2 or not is_card(answers[1].body.get("blocks", [])):
        raise RuntimeError(f"{user}: connected, but no card answered the waiting lookup")


async def run_oauth(
    args: argparse.Namespace, slack: SlackStandIn, http: httpx.AsyncClient
) -> OAuthRun:
    users = [slack_user(number) for number in range(args.oauth_users)]
    result = OAuthRun(users=len(users))
    api = PipedriveStandIn(
        token=PIPEDRIVE_TOKEN, latency=args.latency, burst_limit=args.pipedrive_limit
    )
    pipedrive = PipedriveStandIn(
        token=PIPEDRIVE_TOKEN, latency=args.latency, burst_limit=args.pipedrive_limit
    )
    oauth = PipedriveOAuthStandIn(api=pipedrive)
    for standin in (api, pipedrive, oauth):
        await background("pipedrive").start(standin)
    for standin in (api, pipedrive):
        standin.add_people(args.rounds * args.distinct, start=2)
    for number in range(len(users)):
        oauth.add_user(
            FIRST_PIPEDRIVE_USER + number, f"Bench User {number + 1}", f"user{number}@acme.example"
        )
    directory = Path(tempfile.mkdtemp(prefix="bench-oauth-"))
    env = bench_environment(
        pipedrive.url,
        slack.api_url,
        args,
        PIPEDRIVE_AUTH="oauth",
        PIPEDRIVE_CLIENT_ID=oauth.client_id,
        PIPEDRIVE_CLIENT_SECRET=oauth.client_secret,
        PIPEDRIVE_OAUTH_URL=oauth.url,
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'app.db'}",
    )
    del env["PIPEDRIVE_API_TOKEN"]  # oauth mode reads with each user's own token
    oauth_app = AppProcess(env)
    oauth_app.env["PUBLIC_URL"] = oauth_app.url  # where Pipedrive sends users back after consent
    targets = [
        Target(
            API_TOKEN, api, [AppProcess(bench_environment(api.url, slack.api_url, args))], users
        ),
        Target(OAUTH, pipedrive, [oauth_app], users),
    ]
    apps = [app for target in targets for app in target.apps]
    try:
        await asyncio.gather(*(asyncio.to_thread(app.start) for app in apps))
        # Each user's first card, not timed: in api_token mode `/person 1` (Slack says who they
        # are, the card's related records are read); in oauth mode connecting, which ends with
        # the same card read with their new token.
        api_load, oauth_load = (target.loads(slack, http)[0] for target in targets)
        await first_cards(api_load, users, "first-card")
        try:
            for number, user in enumerate(users):
                await connect(oauth_load, oauth, http, user, FIRST_PIPEDRIVE_USER + number)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n--- the app's log:\n{oauth_app.log()[-3000:]}") from None
        result.connect_requests = pipedrive.request_count()
        result.connect_tokens = pipedrive.tokens()
        await alternate_rounds(targets, args, slack, http, "oauth")
        result.targets = {target.name: target for target in targets}
        result.peak_rss_mib = {target.name: target.peak_rss_mib() for target in targets}
    finally:
        for app in apps:
            if app.process is not None:
                app.terminate()
        for standin in (oauth, pipedrive, api):
            await background("pipedrive").stop(standin)
        shutil.rmtree(directory, ignore_errors=True)
    return result
