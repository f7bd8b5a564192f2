"""`python -m bench`: ack latency, time to card, throughput, Pipedrive requests and tokens.

The app is started exactly as the Procfile starts it, against a loopback Pipedrive stand-in
with a fixed latency per request that keeps Pipedrive's per-token burst window (20 requests per
2 s by default, the smallest plans'; 429 past it) and adds up Pipedrive's published token cost
of what it serves, and a Slack stand-in that receives `response_url` posts and `chat.unfurl`.
The same signed load goes to a floor (`bench/floor.py`: bare Bolt, static card), in alternating
rounds; every figure is the median over rounds, and the result is the ratio of the project's
figure to the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.config import PipedriveSettings
from bot.pipedrive.pacing import BURST_WINDOW_SECONDS, DEFAULT_BURST_LIMIT, WINDOW_GUARD_SECONDS
from devkit import PipedriveStandIn, SlackStandIn
from devkit.harness import (
    BOT_TOKEN,
    COMPANY,
    PIPEDRIVE_TOKEN,
    ROOT,
    SIGNING_SECRET,
    AppProcess,
    app_environment_for,
)
from devkit.slack import SlackCall

HERE = Path(__file__).resolve().parent


@dataclass
class Round:
    """What one round measured for one target (project or floor)."""

    cold: list[float] = field(default_factory=list)  # seconds, single cards, send -> card
    warm: list[float] = field(default_factory=list)
    refreshed: list[float] = field(default_factory=list)  # the card's Refresh, click -> card
    cold_tokens: list[int] = field(default_factory=list)  # Pipedrive tokens per single card
    warm_tokens: list[int] = field(default_factory=list)
    refreshed_tokens: list[int] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)  # burst: send -> HTTP response
    cards: list[float] = field(default_factory=list)  # burst: send -> card at response_url
    unfurls: list[float] = field(default_factory=list)  # event sent -> chat.unfurl
    sent: int = 0
    answered: int = 0
    shown: int = 0  # burst answers that were a card (not an error message)
    complete: int = 0  # ... with every part: picture, next and last activity
    unfurls_sent: int = 0
    unfurls_complete: int = 0
    pipedrive_requests: int = 0
    burst_tokens: int = 0
    unfurl_requests: int = 0
    unfurl_tokens: int = 0
    over_limit: int = 0  # Pipedrive requests refused with 429 by the burst window, all phases
    endpoints: Counter[str] = field(default_factory=Counter)  # burst requests by endpoint
    endpoint_tokens: Counter[str] = field(default_factory=Counter)


def is_card(blocks: list[dict[str, Any]]) -> bool:
    return bool(blocks) and blocks[0].get("type") == "header"


def is_complete_card(blocks: list[dict[str, Any]]) -> bool:
    """A card with every part the sample people have: picture, next and last activity."""
    text = json.dumps(blocks)
    has_picture = any(block.get("accessory", {}).get("type") == "image" for block in blocks)
    return has_picture and "*Next activity*" in text and "*Last activity*" in text


class Load:
    """Signed requests to one target, timed against the Slack stand-in's arrival clock."""

    def __init__(self, url: str, slack: SlackStandIn, http: httpx.AsyncClient) -> None:
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

    async def command(self, person_id: int, name: str) -> tuple[float, float]:
        """(sent, ack latency) of `/person <id>` answering to response_url `name`."""
        body = urlencode(
            {
                "command": "/person",
                "text": str(person_id),
                "team_id": "T111",
                "channel_id": "C111",
                "user_id": "W111",
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
            "user": {"id": "W111", "username": "jane", "name": "jane", "team_id": "T111"},
            "api_app_id": "A111",
            "token": "verification-token",
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "C111"},
            "trigger_id": "111.222.abc",
            "team": {"id": "T111", "domain": "acme"},
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

    async def link_shared(self, url: str, number: int) -> float:
        event = {
            "type": "link_shared",
            "channel": "C111",
            "user": "W111",
            "message_ts": f"{number}.0001",
            "unfurl_id": f"C111.{number}.unfurl",
            "source": "conversations_history",
            "links": [{"domain": "pipedrive.com", "url": url}],
        }
        envelope = {
            "type": "event_callback",
            "team_id": "T111",
            "api_app_id": "A111",
            "event_id": f"Ev{number}",
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.post(json.dumps(envelope), "application/json")

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

    async def unfurl_arrivals(
        self, urls: Iterable[str], timeout: float
    ) -> dict[str, tuple[float, list[dict[str, Any]]]]:
        """When each URL was unfurled, and into which blocks."""
        wanted = set(urls)
        deadline = time.perf_counter() + timeout
        while True:
            arrived = {
                url: (call.received_at, unfurl["blocks"])
                for call in reversed(self.slack.calls_to("chat.unfurl"))
                for url, unfurl in call.body.get("unfurls", {}).items()
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


async def one_round(
    load: Load, pipedrive: PipedriveStandIn, ids: Ids, args: argparse.Namespace, tag: str
) -> Round:
    result = Round()
    first_request = len(pipedrive.requests)
    for person_id in ids.take(args.singles):
        for kind in ("cold", "warm", "refreshed"):
            name = f"{tag}-single-{kind}-{person_id}"
            await window_room(pipedrive, args.pipedrive_limit)
            before = len(pipedrive.requests)
            if kind == "refreshed":  # read again past the cache; related records are cached
                sent = await load.refresh(person_id, name)
            else:
                sent, _ = await load.command(person_id, name)
            arrived = await load.card_arrivals([name], timeout=10)
            if name in arrived:
                getattr(result, kind).append(arrived[name].received_at - sent)
            getattr(result, f"{kind}_tokens").append(pipedrive.tokens(before))

    distinct = ids.take(args.distinct)
    names = [f"{tag}-burst-{n}" for n in range(args.burst)]
    before = len(pipedrive.requests)
    sends = await asyncio.gather(
        *(load.command(distinct[n % len(distinct)], name) for n, name in enumerate(names))
    )
    arrived = await load.card_arrivals(names, timeout=30)
    burst_requests = pipedrive.requests[before:]
    result.pipedrive_requests = len(burst_requests)
    result.burst_tokens = pipedrive.tokens(before)
    for seen in burst_requests:
        endpoint = re.sub(r"/[0-9]+", "/{id}", seen.path)
        result.endpoints[endpoint] += 1
        result.endpoint_tokens[endpoint] += seen.tokens
    result.sent = len(names)
    result.answered = len(arrived)
    result.shown = sum(is_card(call.body.get("blocks", [])) for call in arrived.values())
    result.complete = sum(
        is_complete_card(call.body.get("blocks", [])) for call in arrived.values()
    )
    result.acks = [ack for _, ack in sends]
    result.cards = [
        arrived[name].received_at - sent
        for name, (sent, _) in zip(names, sends, strict=True)
        if name in arrived
    ]

    people = ids.take(args.distinct)
    urls = [
        f"https://{COMPANY}.pipedrive.com/person/{people[n % len(people)]}?b={tag}-{n}"
        for n in range(args.unfurls)
    ]
    before = len(pipedrive.requests)
    unfurl_sends = await asyncio.gather(*(load.link_shared(url, n) for n, url in enumerate(urls)))
    unfurled = await load.unfurl_arrivals(urls, timeout=30)
    result.unfurl_requests = len(pipedrive.requests) - before
    result.unfurl_tokens = pipedrive.tokens(before)
    result.unfurls = [
        unfurled[url][0] - sent
        for url, sent in zip(urls, unfurl_sends, strict=True)
        if url in unfurled
    ]
    result.unfurls_sent = len(urls)
    result.unfurls_complete = sum(is_complete_card(blocks) for _, blocks in unfurled.values())
    result.over_limit = pipedrive.over_limit(first_request)
    return result


async def window_room(pipedrive: PipedriveStandIn, limit: int, needed: int = 8) -> None:
    """Wait until the burst window (the app's, a guard wider than Pipedrive's) has room for a
    card's reads: single cards are timed as a lone user's, not queued behind the one before."""
    while pipedrive.arrived_within(BURST_WINDOW_SECONDS + WINDOW_GUARD_SECONDS) > limit - needed:
        await asyncio.sleep(0.05)


def p(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Figures:
    """The medians over rounds of each per-round figure, for one target."""

    cold_p50_ms: float
    warm_p50_ms: float
    refreshed_p50_ms: float
    ack_p50_ms: float
    ack_p99_ms: float
    card_p50_ms: float
    card_p99_ms: float
    unfurl_p50_ms: float
    unfurl_p99_ms: float
    answered: int
    sent: int
    all_answered: bool
    shown: int  # worst round
    complete: int  # worst round
    unfurls_complete: int  # worst round
    unfurls_sent: int
    requests_per_card: float
    requests_per_unfurl: float
    cold_tokens: float  # per card, median over singles and rounds
    warm_tokens: float
    refreshed_tokens: float
    tokens_per_card: float  # in the burst
    tokens_per_unfurl: float
    over_limit: int  # every round
    peak_rss_mib: float

    @classmethod
    def of(cls, rounds: list[Round], peak_rss_mib: float) -> Figures:
        def median(pick: Callable[[Round], float]) -> float:
            return float(statistics.median(pick(r) for r in rounds)) * 1000

        def median_tokens(pick: Callable[[Round], list[int]]) -> float:
            return float(statistics.median(t for r in rounds for t in pick(r)))

        return cls(
            cold_p50_ms=median(lambda r: p(r.cold, 0.5)),
            warm_p50_ms=median(lambda r: p(r.warm, 0.5)),
            refreshed_p50_ms=median(lambda r: p(r.refreshed, 0.5)),
            ack_p50_ms=median(lambda r: p(r.acks, 0.5)),
            ack_p99_ms=median(lambda r: p(r.acks, 0.99)),
            card_p50_ms=median(lambda r: p(r.cards, 0.5)),
            card_p99_ms=median(lambda r: p(r.cards, 0.99)),
            unfurl_p50_ms=median(lambda r: p(r.unfurls, 0.5)),
            unfurl_p99_ms=median(lambda r: p(r.unfurls, 0.99)),
            answered=min(r.answered for r in rounds),
            sent=rounds[0].sent,
            all_answered=all(r.answered == r.sent for r in rounds),
            shown=min(r.shown for r in rounds),
            complete=min(r.complete for r in rounds),
            unfurls_complete=min(r.unfurls_complete for r in rounds),
            unfurls_sent=rounds[0].unfurls_sent,
            requests_per_card=statistics.median(r.pipedrive_requests / r.sent for r in rounds),
            requests_per_unfurl=statistics.median(
                r.unfurl_requests / r.unfurls_sent for r in rounds
            ),
            cold_tokens=median_tokens(lambda r: r.cold_tokens),
            warm_tokens=median_tokens(lambda r: r.warm_tokens),
            refreshed_tokens=median_tokens(lambda r: r.refreshed_tokens),
            tokens_per_card=statistics.median(r.burst_tokens / r.sent for r in rounds),
            tokens_per_unfurl=statistics.median(r.unfurl_tokens / r.unfurls_sent for r in rounds),
            over_limit=sum(r.over_limit for r in rounds),
            peak_rss_mib=peak_rss_mib,
        )


ROWS: list[tuple[str, str, str]] = [
    # (label, attribute, unit)
    ("single card, cold (p50)", "cold_p50_ms", "ms"),
    ("single card, warm (p50)", "warm_p50_ms", "ms"),
    ("single card, Refresh (p50)", "refreshed_p50_ms", "ms"),
    ("burst ack (p50)", "ack_p50_ms", "ms"),
    ("burst ack (p99)", "ack_p99_ms", "ms"),
    ("burst time to card (p50)", "card_p50_ms", "ms"),
    ("burst time to card (p99)", "card_p99_ms", "ms"),
    ("unfurl burst, time to unfurl (p50)", "unfurl_p50_ms", "ms"),
    ("unfurl burst, time to unfurl (p99)", "unfurl_p99_ms", "ms"),
    ("Pipedrive requests per card (burst)", "requests_per_card", ""),
    ("Pipedrive requests per unfurl (burst)", "requests_per_unfurl", ""),
    ("Pipedrive tokens per card, cold (median)", "cold_tokens", ""),
    ("Pipedrive tokens per card, warm (median)", "warm_tokens", ""),
    ("Pipedrive tokens per card, Refresh (median)", "refreshed_tokens", ""),
    ("Pipedrive tokens per card (burst)", "tokens_per_card", ""),
    ("Pipedrive tokens per unfurl (burst)", "tokens_per_unfurl", ""),
    ("Pipedrive requests over the announced limit (all rounds)", "over_limit", ""),
    ("peak RSS", "peak_rss_mib", "MiB"),
]


def table(project: Figures, floor: Figures) -> str:
    lines = ["| figure | project | floor | project / floor |", "|---|---:|---:|---:|"]
    for label, attribute, unit in ROWS:
        mine, base = getattr(project, attribute), getattr(floor, attribute)
        ratio = f"{mine / base:.2f}" if base else "–"
        lines.append(f"| {label} | {_shown(mine, unit)} | {_shown(base, unit)} | {ratio} |")
    lines.append(
        f"| answered / sent (worst round) | {project.answered} / {project.sent} "
        f"| {floor.answered} / {floor.sent} | |"
    )
    lines.append(
        f"| cards / sent (worst round) | {project.shown} / {project.sent} "
        f"| {floor.shown} / {floor.sent} | |"
    )
    lines.append(
        f"| complete cards / sent (worst round) | {project.complete} / {project.sent} "
        f"| {floor.complete} / {floor.sent} | |"
    )
    lines.append(
        f"| complete unfurls / sent (worst round) | {project.unfurls_complete} / "
        f"{project.unfurls_sent} | {floor.unfurls_complete} / {floor.unfurls_sent} | |"
    )
    return "\n".join(lines)


def _shown(value: float, unit: str) -> str:
    if isinstance(value, int):  # a count
        return str(value)
    if unit:
        return f"{value:.1f} {unit}"
    return f"{value:.2f}"  # requests and tokens per card are fractions of one


def targets(
    project: Figures, floor: Figures, latency_ms: float, pipedrive_limit: int
) -> list[tuple[str, bool]]:
    cold_limit = 2 * latency_ms + 15
    return [
        (
            f"ack p99 under the burst ≤ 1.3 × floor ({1.3 * floor.ack_p99_ms:.1f} ms): "
            f"{project.ack_p99_ms:.1f} ms",
            project.ack_p99_ms <= 1.3 * floor.ack_p99_ms,
        ),
        (
            f"cold single card ≤ 2 × Pipedrive latency + 15 ms ({cold_limit:.0f} ms): "
            f"{project.cold_p50_ms:.1f} ms",
            project.cold_p50_ms <= cold_limit,
        ),
        (
            f"warm single card ≤ floor + 5 ms ({floor.warm_p50_ms + 5:.1f} ms): "
            f"{project.warm_p50_ms:.1f} ms",
            project.warm_p50_ms <= floor.warm_p50_ms + 5,
        ),
        (
            f"every command answered in every round: {project.answered} / {project.sent}, "
            f"with a card: {project.shown} / {project.sent} (worst round)",
            project.all_answered and project.shown == project.sent,
        ),
        (
            f"≤ 0.5 Pipedrive requests per card in the burst: {project.requests_per_card:.2f}",
            project.requests_per_card <= 0.5,
        ),
        (
            "≤ 3 Pipedrive tokens for a cold card with its related records cached (Refresh): "
            f"{project.refreshed_tokens:g}",
            project.refreshed_tokens <= 3,
        ),
        (
            f"≤ 0.5 Pipedrive tokens per card in the burst: {project.tokens_per_card:.2f}",
            project.tokens_per_card <= 0.5,
        ),
        (
            f"0 requests over the announced limit ({pipedrive_limit} per 2 s): "
            f"{project.over_limit}",
            project.over_limit == 0,
        ),
    ]


def plot(rounds: dict[str, list[Round]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("burst ack", "acks"),
        ("burst time to card", "cards"),
        ("unfurl burst, time to unfurl", "unfurls"),
    ]
    figure, axes = plt.subplots(1, len(panels), figsize=(15, 4.5))
    for axis, (title, attribute) in zip(axes, panels, strict=True):
        for target, style in (("project", "-"), ("floor", "--")):
            values = sorted(v * 1000 for r in rounds[target] for v in getattr(r, attribute))
            if values:
                share = [(n + 1) / len(values) for n in range(len(values))]
                axis.plot(values, share, style, label=target)
        axis.set_title(title)
        axis.set_xlabel("ms")
        axis.set_ylabel("share of requests (CDF)")
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def report(
    args: argparse.Namespace,
    project: Figures,
    floor: Figures,
    endpoints: Counter[str],
    endpoint_tokens: Counter[str],
    command: str,
    plot_name: str,
) -> str:
    checks = targets(project, floor, args.latency * 1000, args.pipedrive_limit)
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        f"Load: {args.rounds} rounds alternating project and floor; per round {args.singles} "
        f"single cards cold, then warm, then refreshed (the card's Refresh button: the person "
        f"read again, its related records cached), a burst of {args.burst} concurrent "
        f"`/person` commands over {args.distinct} distinct people, and a burst of "
        f"{args.unfurls} `link_shared` events over {args.distinct} other people. Pipedrive "
        f"stand-in: {args.latency * 1000:.0f} ms per request, a burst window of "
        f"{args.pipedrive_limit} requests per 2 s per token (429 past it), tokens as Pipedrive "
        f"publishes them (`devkit/token_costs.py`); the app's `PIPEDRIVE_BURST_LIMIT`: "
        f"{args.burst_limit} requests per 2 s. Figures are medians over rounds. A cold card "
        f"reads the person (1 token), its picture (1) and its next and last activity (1 each); "
        f"the first of the run also the owner, organization, activity types and field names.",
        "",
        table(project, floor),
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else 'NOT met'}: {text}" for text, ok in checks],
        "",
        "Pipedrive requests (tokens) in the project's command bursts, by endpoint (all rounds): "
        + ", ".join(
            f"`{path}` {count} ({endpoint_tokens[path]})" for path, count in endpoints.most_common()
        )
        + ".",
        "",
        f"![latency distributions, project vs floor]({plot_name})",
        "",
    ]
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> tuple[Figures, Figures, dict[str, list[Round]]]:
    pipedrive = PipedriveStandIn(
        token=PIPEDRIVE_TOKEN, latency=args.latency, burst_limit=args.pipedrive_limit
    )
    slack = SlackStandIn(bot_token=BOT_TOKEN)
    await pipedrive.start()
    await slack.start()
    # Every round of either target takes fresh ids: the floor's too, though it never reads them.
    per_round = args.singles + 2 * args.distinct
    pipedrive.add_people(2 * args.rounds * per_round, start=2)
    env = app_environment_for(
        pipedrive.url,
        slack.api_url,
        LOG_LEVEL="WARNING",
        PIPEDRIVE_BURST_LIMIT=str(args.burst_limit),
        # The whole card, as the floor sends and as the figures in RESULTS.md were measured.
        UNFURL_DETAIL="full",
    )
    floor_env = {**env, "PYTHONPATH": str(ROOT)}
    apps = {
        "project": AppProcess(env),
        "floor": AppProcess(floor_env, command=[sys.executable, "-m", "bench.floor"]),
    }
    await asyncio.gather(*(asyncio.to_thread(app.start) for app in apps.values()))
    rounds: dict[str, list[Round]] = {"project": [], "floor": []}
    ids = Ids(start=2)
    limits = httpx.Limits(max_connections=args.burst + 10, max_keepalive_connections=args.burst)
    try:
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            for number in range(args.rounds):
                order = ["project", "floor"] if number % 2 == 0 else ["floor", "project"]
                for target in order:
                    load = Load(apps[target].url, slack, http)
                    tag = f"r{number}-{target}"
                    rounds[target].append(await one_round(load, pipedrive, ids, args, tag))
                    slack.calls.clear()
                    print(f"round {number + 1}/{args.rounds} {target}: done", file=sys.stderr)
        project = Figures.of(rounds["project"], apps["project"].peak_rss_mib())
        floor = Figures.of(rounds["floor"], apps["floor"].peak_rss_mib())
    finally:
        for app in apps.values():
            app.terminate()
        await pipedrive.stop()
        await slack.stop()
    return project, floor, rounds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=200, help="concurrent commands per burst")
    parser.add_argument("--distinct", type=int, default=40, help="distinct people per burst")
    parser.add_argument("--unfurls", type=int, default=200, help="link_shared events per burst")
    parser.add_argument("--singles", type=int, default=10, help="single cold/warm cards")
    parser.add_argument("--latency", type=float, default=0.05, help="Pipedrive seconds/request")
    parser.add_argument(
        "--burst-limit",
        type=int,
        default=PipedriveSettings.model_fields["pipedrive_burst_limit"].default,
        help="the app's PIPEDRIVE_BURST_LIMIT (requests per 2 s); default: the app's default",
    )
    parser.add_argument(
        "--pipedrive-limit",
        type=int,
        default=DEFAULT_BURST_LIMIT,
        help="requests per 2 s per token the Pipedrive stand-in allows (the smallest plans': 20)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=HERE / "latency.png")
    parser.add_argument(
        "--smoke", action="store_true", help="a handful of requests, to check the bench runs"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.burst, args.distinct, args.unfurls, args.singles = 1, 6, 3, 4, 1
        args.latency = 0.01
    command = "python -m bench " + " ".join(argv) if argv else "make bench"
    project, floor, rounds = asyncio.run(run(args))
    plot(rounds, args.plot)
    endpoints = sum((r.endpoints for r in rounds["project"]), Counter[str]())
    endpoint_tokens = sum((r.endpoint_tokens for r in rounds["project"]), Counter[str]())
    plot_name = os.path.relpath(args.plot, args.out.parent)
    text = report(args, project, floor, endpoints, endpoint_tokens, command, plot_name)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
