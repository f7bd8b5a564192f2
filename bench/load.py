"""Signed load for one app process, and what a burst of `/person` commands measured.

`Load` posts what Slack posts (commands, the card's Refresh, `link_shared`) to one target and
finds the answers at the Slack stand-in; `command_burst` sends a burst over one or more targets
(each command to the next target in turn, as a load balancer would) and measures it.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import json
import math
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.pipedrive.pacing import BURST_WINDOW_SECONDS, WINDOW_GUARD_SECONDS
from devkit import SlackStandIn
from devkit.harness import SIGNING_SECRET, AppProcess, app_environment_for
from devkit.pipedrive import SeenRequest
from devkit.serving import LoopbackServer
from devkit.slack import SlackCall

# Who sends the commands unless a burst names its users (one Slack user, one workspace).
USER = "W111"
TEAM = "T111"
# What a full Work Object preview shows that is read besides the person: without one of these
# the preview is incomplete (a Work Object preview has no picture and no last activity).
FULL_ENTITY_FIELDS = frozenset({"owner", "organization", "next_activity"})

UnfurlKind = Literal["work_object", "blocks"]
# Numbers for `link_shared` events, unique in the run.
_EVENTS = itertools.count(1)


@dataclass(frozen=True)
class Unfurl:
    """One URL's preview as `chat.unfurl` sent it: a Work Object entity or Block Kit."""

    received_at: float
    kind: UnfurlKind
    content: Any  # the entity (a dict), or the blocks (a list)

    @property
    def complete(self) -> bool:
        if self.kind == "work_object":
            return is_complete_entity(self.content)
        return is_complete_card(self.content)


class PipedriveRecord(Protocol):
    """What the bench reads of a Pipedrive stand-in: `PipedriveStandIn` on a thread of this
    process, or `PipedriveProcess` in a process of its own (which stamps arrivals on time)."""

    def request_count(self) -> int: ...

    def requests_from(self, start: int, end: int | None = None) -> list[SeenRequest]: ...

    def tokens(self, since: int = 0) -> int: ...

    def over_limit(self, since: int = 0) -> int: ...

    def arrived_within(self, seconds: float) -> int: ...


class Background:
    """An event loop on a thread of its own, serving stand-ins. The load generator's loop is
    held up for a second at a time while it sends a burst; a stand-in served there would stamp
    requests late and bunched (a Pipedrive stand-in would then count requests the app spread
    over the window as over it, and a Slack stand-in would see answers late)."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    async def start(self, server: LoopbackServer) -> None:
        await self._run(server.start())

    async def stop(self, server: LoopbackServer) -> None:
        await self._run(server.stop())

    async def _run(self, coroutine: Coroutine[Any, Any, object]) -> None:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))


@functools.cache
def background(name: str) -> Background:
    """The background loop `name` ("pipedrive", "slack"): one each, so neither holds the other
    up; made when first asked for."""
    return Background(f"bench-{name}")


def is_card(blocks: list[dict[str, Any]]) -> bool:
    return bool(blocks) and blocks[0].get("type") == "header"


def is_complete_card(blocks: list[dict[str, Any]]) -> bool:
    """A card with every part the sample people have: picture, next and last activity."""
    text = json.dumps(blocks)
    has_picture = any(block.get("accessory", {}).get("type") == "image" for block in blocks)
    return has_picture and "*Next activity*" in text and "*Last activity*" in text


def is_complete_entity(entity: dict[str, Any]) -> bool:
    """A full Work Object preview with every related record the sample people have: owner,
    organization and next activity among its custom fields."""
    fields = entity.get("entity_payload", {}).get("custom_fields", [])
    return FULL_ENTITY_FIELDS <= {field.get("key") for field in fields}


def unfurls_in(call: SlackCall) -> Iterable[tuple[str, Unfurl]]:
    """Each URL one `chat.unfurl` previewed: entities by their `app_unfurl_url`, Block Kit by
    the `unfurls` key."""
    metadata = call.body.get("metadata")
    if isinstance(metadata, dict):
        for entity in metadata.get("entities", []):
            url = entity.get("app_unfurl_url")
            if isinstance(url, str):
                yield url, Unfurl(call.received_at, "work_object", entity)
    for url, unfurl in (call.body.get("unfurls") or {}).items():
        yield url, Unfurl(call.received_at, "blocks", unfurl.get("blocks", []))


def p(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Load:
    """Signed requests to one target, timed against the Slack stand-in's arrival clock."""

    def __init__(self, url: str, slack: SlackStandIn, http: httpx.AsyncClient) -> None:
        self.base_url = url
        self.url = f"{url}/slack/events"
        self.slack = slack
        self.http = http
        self.signer = SignatureVerifier(SIGNING_SECRET)

    async def post(self, body: str, content_type: str) -> float:
        """Send; return the time it was sent (perf_counter) after the ack came back OK."""
        timestamp = str(int(time.time()))
        signature = self.signer.generate_signature(timestamp=timestamp, body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature or "",
        }
        sent = time.perf_counter()
        response = await self.http.post(self.url, content=body.encode(), headers=headers)
        response.raise_for_status()
        return sent

    async def command(self, text: int | str, name: str, user: str = USER) -> tuple[float, float]:
        """(sent, ack latency) of `/person <text>` by `user`, answering to response_url `name`."""
        body = urlencode(
            {
                "command": "/person",
                "text": str(text),
                "team_id": TEAM,
                "channel_id": "C111",
                "user_id": user,
                "response_url": self.slack.response_url(name),
                "trigger_id": "111.111.xxx",
            }
        )
        sent = await self.post(body, "application/x-www-form-urlencoded")
        return sent, time.perf_counter() - sent

    async def refresh(self, person_id: int, name: str) -> float:
        """Click the card's Refresh, answering to response_url `name`; when it was sent."""
        payload = {
            "type": "block_actions",
            "user": {"id": USER, "username": "jane", "name": "jane", "team_id": TEAM},
            "api_app_id": "A111",
            "token": "verification-token",
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "C111"},
            "trigger_id": "111.222.abc",
            "team": {"id": TEAM, "domain": "acme"},
            "channel": {"id": "C111", "name": "general"},
            "response_url": self.slack.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": "refresh_person",
                    "block_id": "actions",
                    "value": str(person_id),
                    "action_ts": "1.3",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def link_shared(self, url: str) -> float:
        # Each event its own id (the app handles an event id once) and its own message.
        number = next(_EVENTS)
        event = {
            "type": "link_shared",
            "channel": "C111",
            "user": USER,
            "message_ts": f"{number}.0001",
            "unfurl_id": f"C111.{number}.unfurl",
            "source": "conversations_history",
            "links": [{"domain": "pipedrive.com", "url": url}],
        }
        envelope = {
            "type": "event_callback",
            "team_id": TEAM,
            "api_app_id": "A111",
            "event_id": f"Ev{number:08d}",
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.post(json.dumps(envelope), "application/json")

    async def posts(self, name: str, count: int, timeout: float) -> list[SlackCall]:
        """The first `count` posts to response_url `name`, oldest first; fewer after `timeout`."""
        path = f"/response/{name}"
        deadline = time.perf_counter() + timeout
        while True:
            found = [call for call in self.slack.calls if call.path == path]
            if len(found) >= count or time.perf_counter() > deadline:
                return found[:count]
            await asyncio.sleep(0.01)

    async def card_arrivals(self, names: Iterable[str], timeout: float) -> dict[str, SlackCall]:
        """The first post each response_url got; missing ones left out."""
        wanted = {f"/response/{name}": name for name in names}
        deadline = time.perf_counter() + timeout
        while True:
            arrived = {
                wanted[call.path]: call
                for call in reversed(self.slack.calls)
                if call.path in wanted
            }
            if len(arrived) == len(wanted) or time.perf_counter() > deadline:
                return arrived
            await asyncio.sleep(0.005)

    async def unfurl_arrivals(self, urls: Iterable[str], timeout: float) -> dict[str, Unfurl]:
        """How and when each URL was first unfurled (a Work Object or Block Kit)."""
        wanted = set(urls)
        deadline = time.perf_counter() + timeout
        while True:
            arrived = {
                url: unfurl
                for call in reversed(self.slack.calls_to("chat.unfurl"))
                for url, unfurl in unfurls_in(call)
                if url in wanted
            }
            if len(arrived) == len(wanted) or time.perf_counter() > deadline:
                return arrived
            await asyncio.sleep(0.005)


class Ids:
    """Person ids no earlier request used, so every "cold" request really is cold."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self, count: int) -> list[int]:
        taken = list(range(self.next, self.next + count))
        self.next += count
        return taken


@dataclass
class Burst:
    """What one burst of concurrent `/person` commands measured."""

    sent: int = 0
    answered: int = 0
    shown: int = 0  # answers that were a card (not an error message)
    complete: int = 0  # ... with every part: picture, next and last activity
    acks: list[float] = field(default_factory=list)  # seconds, send -> HTTP response
    cards: list[float] = field(default_factory=list)  # seconds, send -> answer at response_url
    span: float = 0.0  # seconds from the first command sent to the last answer
    requests: int = 0  # Pipedrive requests until the last answer (429s included)
    tokens: int = 0
    over_limit: int = 0  # of those, refused with 429 by the burst window
    endpoints: Counter[str] = field(default_factory=Counter)
    endpoint_tokens: Counter[str] = field(default_factory=Counter)

    @property
    def cards_per_second(self) -> float:
        return self.shown / self.span if self.span > 0 else math.nan


async def command_burst(
    loads: Sequence[Load],
    pipedrive: PipedriveRecord,
    people: Sequence[int],
    count: int,
    tag: str,
    users: Sequence[str] = (USER,),
    timeout: float = 30.0,
) -> Burst:
    """`count` concurrent `/person` commands: command n for `people[n % len(people)]`, by
    `users[n % len(users)]`, sent to one of `loads` chosen at random, as a load balancer does
    (seeded with `tag`, so every run sends the same; in turn, n mod 2 would give each of two
    processes only every other person of an even number, each read by one process alone)."""
    names = [f"{tag}-{n}" for n in range(count)]
    chooser = random.Random(tag)
    routes = [loads[chooser.randrange(len(loads))] for _ in names]
    before = pipedrive.request_count()
    sends = await asyncio.gather(
        *(
            route.command(people[n % len(people)], name, users[n % len(users)])
            for n, (name, route) in enumerate(zip(names, routes, strict=True))
        )
    )
    arrived = await loads[0].card_arrivals(names, timeout=timeout)
    seen = pipedrive.requests_from(before)
    result = Burst(
        sent=count,
        answered=len(arrived),
        shown=sum(is_card(call.body.get("blocks", [])) for call in arrived.values()),
        complete=sum(is_complete_card(call.body.get("blocks", [])) for call in arrived.values()),
        acks=[ack for _, ack in sends],
        cards=[
            arrived[name].received_at - sent
            for name, (sent, _) in zip(names, sends, strict=True)
            if name in arrived
        ],
        requests=len(seen),
        tokens=sum(request.tokens for request in seen),
        over_limit=sum(request.over_limit for request in seen),
    )
    if arrived:
        first = min(sent for sent, _ in sends)
        result.span = max(call.received_at for call in arrived.values()) - first
    for request in seen:
        endpoint = re.sub(r"/[0-9]+", "/{id}", request.path)
        result.endpoints[endpoint] += 1
        result.endpoint_tokens[endpoint] += request.tokens
    return result


async def window_room(pipedrive: PipedriveRecord, limit: int, needed: int = 8) -> None:
    """Wait until the burst window (the app's, a guard wider than Pipedrive's) has room for a
    card's reads: single cards are timed as a lone user's, not queued behind the one before."""
    while pipedrive.arrived_within(BURST_WINDOW_SECONDS + WINDOW_GUARD_SECONDS) > limit - needed:
        await asyncio.sleep(0.05)


async def quiet(pipedrive: PipedriveRecord) -> None:
    """Wait until no request arrived within the burst window (and the app's guard): a burst
    that follows starts with the whole window, and no 429 hold of an earlier one left."""
    while pipedrive.arrived_within(BURST_WINDOW_SECONDS + WINDOW_GUARD_SECONDS + 0.5):
        await asyncio.sleep(0.1)


@dataclass
class BurstFigures:
    """The medians over rounds of one target's command bursts (counts: the worst round)."""

    ack_p50_ms: float
    ack_p99_ms: float
    card_p50_ms: float
    card_p99_ms: float
    cards_per_second: float
    requests_per_card: float
    tokens_per_card: float
    over_limit: int  # every round
    sent: int
    answered: int  # worst round
    shown: int  # worst round
    complete: int  # worst round
    all_answered: bool

    @classmethod
    def of(cls, bursts: list[Burst]) -> BurstFigures:
        def median_ms(values: Iterable[float]) -> float:
            return float(statistics.median(values)) * 1000

        return cls(
            ack_p50_ms=median_ms(p(b.acks, 0.5) for b in bursts),
            ack_p99_ms=median_ms(p(b.acks, 0.99) for b in bursts),
            card_p50_ms=median_ms(p(b.cards, 0.5) for b in bursts),
            card_p99_ms=median_ms(p(b.cards, 0.99) for b in bursts),
            cards_per_second=float(statistics.median(b.cards_per_second for b in bursts)),
            requests_per_card=float(statistics.median(b.requests / b.sent for b in bursts)),
            tokens_per_card=float(statistics.median(b.tokens / b.sent for b in bursts)),
            over_limit=sum(b.over_limit for b in bursts),
            sent=bursts[0].sent,
            answered=min(b.answered for b in bursts),
            shown=min(b.shown for b in bursts),
            complete=min(b.complete for b in bursts),
            all_answered=all(b.answered == b.sent for b in bursts),
        )


def bench_environment(
    pipedrive_url: str, slack_api_url: str, args: argparse.Namespace, **overrides: str
) -> dict[str, str]:
    """An app's environment for the bench: pointed at the stand-ins, with the bench's burst
    limit, unfurl style and detail, and no Redis unless `REDIS_URL` is among `overrides` (a
    REDIS_URL of the caller's environment would otherwise join processes meant to be alone)."""
    env = app_environment_for(
        pipedrive_url,
        slack_api_url,
        LOG_LEVEL="WARNING",
        PIPEDRIVE_BURST_LIMIT=str(args.burst_limit),
        UNFURL_STYLE=args.unfurl_style,
        # The whole card, as the floor sends and as the figures in RESULTS.md were measured.
        UNFURL_DETAIL="full",
    )
    env.pop("REDIS_URL", None)
    env.update(overrides)
    return env


@dataclass
class Target:
    """One setup a burst-only comparison measures: its processes, its Pipedrive stand-in (which
    counts only its requests), the Slack users who send its commands, and what it measured."""

    name: str
    pipedrive: PipedriveRecord
    apps: list[AppProcess]
    users: Sequence[str] = (USER,)
    ids: Ids = field(default_factory=lambda: Ids(start=2))
    bursts: list[Burst] = field(default_factory=list)

    def loads(self, slack: SlackStandIn, http: httpx.AsyncClient) -> list[Load]:
        return [Load(app.url, slack, http) for app in self.apps]

    def peak_rss_mib(self) -> float:
        """The largest peak resident memory of its processes."""
        return max(app.peak_rss_mib() for app in self.apps)


async def alternate_rounds(
    targets: Sequence[Target],
    args: argparse.Namespace,
    slack: SlackStandIn,
    http: httpx.AsyncClient,
    part: str,
) -> None:
    """`args.rounds` rounds, each one burst per target, in alternating order (A B, then B A);
    each burst starts with a quiet burst window and takes people nobody has looked up."""
    for number in range(args.rounds):
        order = list(targets) if number % 2 == 0 else list(reversed(targets))
        for target in order:
            await quiet(target.pipedrive)
            tag = re.sub(r"[^A-Za-z0-9]+", "-", f"r{number}-{part}-{target.name}")
            burst = await command_burst(
                target.loads(slack, http),
                target.pipedrive,
                target.ids.take(args.distinct),
                args.burst,
                tag,
                users=target.users,
            )
            target.bursts.append(burst)
            slack.calls.clear()
            print(f"{part} round {number + 1}/{args.rounds} {target.name}: done", file=sys.stderr)


async def first_cards(load: Load, users: Sequence[str], tag: str) -> None:
    """`/person 1` by each user in turn, waiting for each answer (before the timed part)."""
    for user in users:
        name = re.sub(r"[^A-Za-z0-9]+", "-", f"{tag}-{user}")
        await load.command(1, name, user=user)
        if not await load.posts(name, 1, timeout=30):
            raise RuntimeError(f"{tag}: no answer to /person 1 by {user}")


def fresh_credentials() -> tuple[str, str]:
    """An API token and a company subdomain no earlier run used: what an app keeps in a shared
    Redis under them (burst windows, company-wide records) starts empty, whatever another run
    or a test on the same Redis left there."""
    return f"bench-{secrets.token_hex(12)}", f"bench-{secrets.token_hex(4)}"
