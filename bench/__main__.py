"""`python -m bench`: ack latency, time to card, throughput, Pipedrive requests and tokens.

The app is started exactly as the Procfile starts it, against a loopback Pipedrive stand-in
(in a process of its own, so it stamps each request as it arrives) with a fixed latency per
request that keeps Pipedrive's per-token burst window (20 requests per 2 s by default, the
smallest plans'; 429 past it) and adds up Pipedrive's published token cost of what it serves,
and a Slack stand-in that receives `response_url` posts and `chat.unfurl`. The same signed
load goes to a floor (`bench/floor.py`: bare Bolt, static card and Work Object), in alternating
rounds; every figure is the median over rounds, and the result is the ratio of the project's
figure to the floor's. Then the same command burst by many Slack users
with `PIPEDRIVE_AUTH=oauth` (`bench/oauth.py`), and spread over several app processes with and
without a shared Redis (`bench/processes.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.config import PipedriveSettings, Settings
from bot.pipedrive.pacing import DEFAULT_BURST_LIMIT
from devkit import SlackStandIn
from devkit.harness import BOT_TOKEN, COMPANY, PIPEDRIVE_TOKEN, ROOT, AppProcess
from devkit.pipedrive_process import PipedriveProcess

from .load import (
    Burst,
    BurstFigures,
    Ids,
    Load,
    PipedriveRecord,
    Target,
    background,
    bench_environment,
    command_burst,
    p,
    window_room,
)
from .oauth import OAUTH, OAuthRun, run_oauth
from .processes import ProcessesRun, run_processes, with_redis

HERE = Path(__file__).resolve().parent
# The phases of a round, in order.
PHASES = ("single cards", "command bursts", "unfurl bursts")


@dataclass
class Round:
    """What one round measured for one target (project or floor)."""

    cold: list[float] = field(default_factory=list)  # seconds, single cards, send -> card
    warm: list[float] = field(default_factory=list)
    refreshed: list[float] = field(default_factory=list)  # the card's Refresh, click -> card
    cold_cpu: float = 0.0  # seconds of the app's CPU over the cold single cards
    burst_cpu: float = 0.0  # ... over the command burst
    cold_tokens: list[int] = field(default_factory=list)  # Pipedrive tokens per single card
    warm_tokens: list[int] = field(default_factory=list)
    refreshed_tokens: list[int] = field(default_factory=list)
    burst: Burst = field(default_factory=Burst)  # concurrent `/person` commands
    unfurls: list[float] = field(default_factory=list)  # event sent -> chat.unfurl
    unfurls_sent: int = 0
    unfurls_as_entities: int = 0  # previews sent as Work Objects (not Block Kit)
    unfurls_complete: int = 0
    unfurl_requests: int = 0
    unfurl_tokens: int = 0
    over_limit: int = 0  # Pipedrive requests refused with 429 by the burst window, all phases
    # ... by phase: single cards, the command burst (until the next phase), the unfurl burst
    over_limit_by_phase: Counter[str] = field(default_factory=Counter)


async def one_round(
    load: Load,
    app: AppProcess,
    pipedrive: PipedriveRecord,
    ids: Ids,
    args: argparse.Namespace,
    tag: str,
) -> Round:
    result = Round()
    first_request = pipedrive.request_count()
    for person_id in ids.take(args.singles):
        for kind in ("cold", "warm", "refreshed"):
            name = f"{tag}-single-{kind}-{person_id}"
            await window_room(pipedrive, args.pipedrive_limit)
            before, cpu = pipedrive.request_count(), app.cpu_seconds()
            if kind == "refreshed":  # read again past the cache; related records are cached
                sent = await load.refresh(person_id, name)
            else:
                sent, _ = await load.command(person_id, name)
            arrived = await load.card_arrivals([name], timeout=10)
            if kind == "cold":
                result.cold_cpu += app.cpu_seconds() - cpu
            if name in arrived:
                getattr(result, kind).append(arrived[name].received_at - sent)
            getattr(result, f"{kind}_tokens").append(pipedrive.tokens(before))

    burst_start = pipedrive.request_count()
    distinct = ids.take(args.distinct)
    cpu = app.cpu_seconds()
    result.burst = await command_burst([load], pipedrive, distinct, args.burst, f"{tag}-burst")
    result.burst_cpu = app.cpu_seconds() - cpu

    people = ids.take(args.distinct)
    urls = [
        f"https://{COMPANY}.pipedrive.com/person/{people[n % len(people)]}?b={tag}-{n}"
        for n in range(args.unfurls)
    ]
    before = pipedrive.request_count()
    unfurl_sends = await asyncio.gather(*(load.link_shared(url) for url in urls))
    unfurled = await load.unfurl_arrivals(urls, timeout=30)
    result.unfurl_requests = pipedrive.request_count() - before
    result.unfurl_tokens = pipedrive.tokens(before)
    result.unfurls = [
        unfurled[url].received_at - sent
        for url, sent in zip(urls, unfurl_sends, strict=True)
        if url in unfurled
    ]
    result.unfurls_sent = len(urls)
    result.unfurls_as_entities = sum(u.kind == "work_object" for u in unfurled.values())
    result.unfurls_complete = sum(u.complete for u in unfurled.values())
    result.over_limit = pipedrive.over_limit(first_request)
    starts = [first_request, burst_start, before, pipedrive.request_count()]
    for phase, start, end in zip(PHASES, starts, starts[1:], strict=False):
        seen = pipedrive.requests_from(start, end)
        result.over_limit_by_phase[phase] = sum(request.over_limit for request in seen)
    return result


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
    cards_per_second: float
    unfurl_p50_ms: float
    unfurl_p99_ms: float
    answered: int
    sent: int
    all_answered: bool
    shown: int  # worst round
    complete: int  # worst round
    unfurls_as_entities: int  # worst round
    unfurls_complete: int  # worst round
    unfurls_sent: int
    requests_per_card: float
    requests_per_unfurl: float
    cold_cpu_ms: float  # the app's CPU per cold single card, mean over every round's
    burst_cpu_ms: float  # the app's CPU per card of the command burst, mean over rounds
    cold_tokens: float  # per card, median over singles and rounds
    warm_tokens: float
    refreshed_tokens: float
    tokens_per_card: float  # in the burst
    tokens_per_unfurl: float
    over_limit: int  # every round
    peak_rss_mib: float
    bursts: BurstFigures

    @classmethod
    def of(cls, rounds: list[Round], peak_rss_mib: float) -> Figures:
        def median(pick: Callable[[Round], float]) -> float:
            return float(statistics.median(pick(r) for r in rounds)) * 1000

        def median_tokens(pick: Callable[[Round], list[int]]) -> float:
            return float(statistics.median(t for r in rounds for t in pick(r)))

        bursts = BurstFigures.of([r.burst for r in rounds])
        return cls(
            cold_p50_ms=median(lambda r: p(r.cold, 0.5)),
            warm_p50_ms=median(lambda r: p(r.warm, 0.5)),
            refreshed_p50_ms=median(lambda r: p(r.refreshed, 0.5)),
            ack_p50_ms=bursts.ack_p50_ms,
            ack_p99_ms=bursts.ack_p99_ms,
            card_p50_ms=bursts.card_p50_ms,
            card_p99_ms=bursts.card_p99_ms,
            cards_per_second=bursts.cards_per_second,
            unfurl_p50_ms=median(lambda r: p(r.unfurls, 0.5)),
            unfurl_p99_ms=median(lambda r: p(r.unfurls, 0.99)),
            answered=bursts.answered,
            sent=bursts.sent,
            all_answered=bursts.all_answered,
            shown=bursts.shown,
            complete=bursts.complete,
            unfurls_as_entities=min(r.unfurls_as_entities for r in rounds),
            unfurls_complete=min(r.unfurls_complete for r in rounds),
            unfurls_sent=rounds[0].unfurls_sent,
            requests_per_card=bursts.requests_per_card,
            requests_per_unfurl=statistics.median(
                r.unfurl_requests / r.unfurls_sent for r in rounds
            ),
            # CPU time moves in ticks (10 ms): a mean over many cards, not a median of few.
            cold_cpu_ms=per_card_ms(
                sum(r.cold_cpu for r in rounds), sum(len(r.cold) for r in rounds)
            ),
            burst_cpu_ms=per_card_ms(
                sum(r.burst_cpu for r in rounds), sum(r.burst.answered for r in rounds)
            ),
            cold_tokens=median_tokens(lambda r: r.cold_tokens),
            warm_tokens=median_tokens(lambda r: r.warm_tokens),
            refreshed_tokens=median_tokens(lambda r: r.refreshed_tokens),
            tokens_per_card=bursts.tokens_per_card,
            tokens_per_unfurl=statistics.median(r.unfurl_tokens / r.unfurls_sent for r in rounds),
            over_limit=sum(r.over_limit for r in rounds),
            peak_rss_mib=peak_rss_mib,
            bursts=bursts,
        )


def per_card_ms(seconds: float, cards: int) -> float:
    return 1000 * seconds / cards if cards else math.nan


ROWS: list[tuple[str, str, str]] = [
    # (label, attribute, unit)
    ("single card, cold (p50)", "cold_p50_ms", "ms"),
    ("single card, warm (p50)", "warm_p50_ms", "ms"),
    ("single card, Refresh (p50)", "refreshed_p50_ms", "ms"),
    ("burst ack (p50)", "ack_p50_ms", "ms"),
    ("burst ack (p99)", "ack_p99_ms", "ms"),
    ("burst time to card (p50)", "card_p50_ms", "ms"),
    ("burst time to card (p99)", "card_p99_ms", "ms"),
    ("burst cards per second", "cards_per_second", "/s"),
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
    ("app CPU per card, cold (mean)", "cold_cpu_ms", "ms"),
    ("app CPU per card, burst (mean)", "burst_cpu_ms", "ms"),
    ("peak RSS", "peak_rss_mib", "MiB"),
]

# The rows of a burst-only comparison (oauth, several processes).
BURST_ROWS: list[tuple[str, str, str]] = [
    ("burst ack (p50)", "ack_p50_ms", "ms"),
    ("burst ack (p99)", "ack_p99_ms", "ms"),
    ("burst time to card (p50)", "card_p50_ms", "ms"),
    ("burst time to card (p99)", "card_p99_ms", "ms"),
    ("burst cards per second", "cards_per_second", "/s"),
    ("Pipedrive requests per card (burst)", "requests_per_card", ""),
    ("Pipedrive tokens per card (burst)", "tokens_per_card", ""),
    ("Pipedrive requests over the announced limit (bursts, all rounds)", "over_limit", ""),
]


def table(project: Figures, floor: Figures) -> str:
    lines = ["| figure | project | floor | project / floor |", "|---|---:|---:|---:|"]
    for label, attribute, unit in ROWS:
        mine, base = getattr(project, attribute), getattr(floor, attribute)
        lines.append(
            f"| {label} | {_shown(mine, unit)} | {_shown(base, unit)} | {_ratio(mine, base)} |"
        )
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
        f"| unfurls as Work Objects / sent (worst round) | {project.unfurls_as_entities} / "
        f"{project.unfurls_sent} | {floor.unfurls_as_entities} / {floor.unfurls_sent} | |"
    )
    lines.append(
        f"| complete unfurls / sent (worst round) | {project.unfurls_complete} / "
        f"{project.unfurls_sent} | {floor.unfurls_complete} / {floor.unfurls_sent} | |"
    )
    return "\n".join(lines)


def burst_table(
    columns: Sequence[tuple[str, BurstFigures]],
    ratio: str | None = None,
    extra: Sequence[tuple[str, Sequence[str]]] = (),
) -> str:
    """Burst figures side by side; with `ratio` ("b / a"), the second column over the first."""
    names = [name for name, _ in columns]
    head = ["figure", *names, *([ratio] if ratio else [])]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]

    def row(label: str, cells: Sequence[str], ratio_cell: str = "") -> None:
        lines.append("| " + " | ".join([label, *cells, *([ratio_cell] if ratio else [])]) + " |")

    for label, attribute, unit in BURST_ROWS:
        values = [getattr(figures, attribute) for _, figures in columns]
        shown = [_shown(value, unit) for value in values]
        row(label, shown, _ratio(values[1], values[0]) if ratio else "")
    for label, count in (
        ("answered / sent (worst round)", "answered"),
        ("cards / sent (worst round)", "shown"),
        ("complete cards / sent (worst round)", "complete"),
    ):
        row(label, [f"{getattr(figures, count)} / {figures.sent}" for _, figures in columns])
    for label, cells in extra:
        row(label, cells)
    return "\n".join(lines)


def _ratio(mine: float, base: float) -> str:
    if not base or math.isnan(base) or math.isnan(mine):
        return "–"
    return f"{mine / base:.2f}"


def _shown(value: float, unit: str) -> str:
    if isinstance(value, int):  # a count
        return str(value)
    if unit:
        return f"{value:.1f} {unit}"
    return f"{value:.2f}"  # requests and tokens per card are fractions of one


def targets(
    project: Figures,
    floor: Figures,
    latency_ms: float,
    pipedrive_limit: int,
    oauth: OAuthRun | None = None,
    processes: ProcessesRun | None = None,
) -> list[tuple[str, bool]]:
    cold_limit = 2 * latency_ms + 15
    checks = [
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
    if oauth is not None:
        figures = BurstFigures.of(oauth.targets[OAUTH].bursts)
        checks.append(
            (
                f"oauth: every command answered in every round: {figures.answered} / "
                f"{figures.sent}, with a card: {figures.shown} / {figures.sent} (worst round)",
                figures.all_answered and figures.shown == figures.sent,
            )
        )
    if processes is not None:
        shared = BurstFigures.of(processes.targets[with_redis(processes.processes)].bursts)
        checks.append(
            (
                f"{processes.processes} processes sharing Redis: 0 requests over the announced "
                f"limit ({pipedrive_limit} per 2 s): {shared.over_limit}",
                shared.over_limit == 0,
            )
        )
    return checks


Curve = tuple[str, list[float], str]  # label, values (seconds), line style


def plot(
    rounds: dict[str, list[Round]],
    oauth: OAuthRun | None,
    processes: ProcessesRun | None,
    path: Path,
) -> None:
    """CDFs: project vs floor (top row), api_token vs oauth and 1 vs N processes (bottom)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def bursts_of(target: str) -> list[Burst]:
        return [r.burst for r in rounds[target]]

    def values(bursts: Sequence[Burst], attribute: str) -> list[float]:
        return [v for b in bursts for v in getattr(b, attribute)]

    def project_vs_floor(attribute: str) -> list[Curve]:
        return [
            ("project", values(bursts_of("project"), attribute), "-"),
            ("floor", values(bursts_of("floor"), attribute), "--"),
        ]

    def compared(run: OAuthRun | ProcessesRun | None, attribute: str) -> list[Curve]:
        styles = ["-", "--", ":", "-."]
        targets = list(run.targets.values()) if run else []
        return [
            (target.name, values(target.bursts, attribute), styles[n % len(styles)])
            for n, target in enumerate(targets)
        ]

    many = processes.processes if processes else 2
    panels: list[tuple[str, list[Curve]]] = [
        ("burst ack", project_vs_floor("acks")),
        ("burst time to card", project_vs_floor("cards")),
        (
            "unfurl burst, time to unfurl",
            [
                (target, [v for r in rounds[target] for v in r.unfurls], style)
                for target, style in (("project", "-"), ("floor", "--"))
            ],
        ),
        ("burst time to card: api_token vs oauth", compared(oauth, "cards")),
        (f"burst ack: 1 vs {many} processes", compared(processes, "acks")),
        (f"burst time to card: 1 vs {many} processes", compared(processes, "cards")),
    ]
    figure, axes = plt.subplots(2, 3, figsize=(15, 9))
    for axis, (title, curves) in zip(axes.flat, panels, strict=True):
        for label, seconds, style in curves:
            ordered = sorted(v * 1000 for v in seconds)
            if ordered:
                share = [(n + 1) / len(ordered) for n in range(len(ordered))]
                axis.plot(ordered, share, style, label=label)
        axis.set_title(title)
        axis.set_xlabel("ms")
        axis.set_ylabel("share of requests (CDF)")
        axis.grid(alpha=0.3)
        if axis.lines:
            axis.legend()
        else:
            axis.text(0.5, 0.5, "not run", ha="center", va="center", transform=axis.transAxes)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


@dataclass
class Results:
    """Everything one run of the bench measured."""

    project: Figures
    floor: Figures
    rounds: dict[str, list[Round]]
    oauth: OAuthRun | None = None
    processes: ProcessesRun | None = None
    skipped: list[str] = field(default_factory=list)  # parts not run, and why


def by_endpoint(bursts: Sequence[Burst]) -> str:
    counts = sum((b.endpoints for b in bursts), Counter[str]())
    tokens = sum((b.endpoint_tokens for b in bursts), Counter[str]())
    return ", ".join(f"`{path}` {count} ({tokens[path]})" for path, count in counts.most_common())


def report(args: argparse.Namespace, results: Results, command: str, plot_name: str) -> str:
    project, floor = results.project, results.floor
    over_limit_by_phase = {
        phase: sum(r.over_limit_by_phase[phase] for r in results.rounds["project"])
        for phase in PHASES
    }
    checks = targets(
        project,
        floor,
        args.latency * 1000,
        args.pipedrive_limit,
        results.oauth,
        results.processes,
    )
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
        f"{args.unfurls} `link_shared` events over {args.distinct} other people, unfurled with "
        f"`UNFURL_STYLE={args.unfurl_style}` and `UNFURL_DETAIL=full` (the floor unfurls the "
        f"same way: a static Work Object, or its static card with `blocks`). Pipedrive "
        f"stand-in, in a process of its own (it stamps each request as it arrives): "
        f"{args.latency * 1000:.0f} ms per request, a burst window of "
        f"{args.pipedrive_limit} requests per 2 s per token (429 past it), tokens as Pipedrive "
        f"publishes them (`devkit/token_costs.py`); the app's `PIPEDRIVE_BURST_LIMIT`: "
        f"{args.burst_limit} requests per 2 s. Figures are medians over rounds. A cold card "
        f"reads the person (1 token), its picture (1) and its next and last activity (1 each); "
        f"the first of the run also the owner, organization, activity types and field names. "
        f"Cards per second: the burst's cards over the time from its first command to its last "
        f"answer. Complete: a card with its picture, next and last activity; a Work Object "
        f"preview with its owner, organization and next activity among its fields (a full "
        f"preview shows no picture and no last activity); a Block Kit unfurl as a card.",
        "",
        table(project, floor),
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else 'NOT met'}: {text}" for text, ok in checks],
        "",
        "Pipedrive requests (tokens) in the project's command bursts, by endpoint (all rounds): "
        + by_endpoint([r.burst for r in results.rounds["project"]])
        + ". The project's requests over the announced limit, by phase (all rounds): "
        + ", ".join(f"{phase} {count}" for phase, count in over_limit_by_phase.items())
        + ".",
        "",
        *oauth_section(args, results),
        *processes_section(args, results),
        *[f"{line}" for line in results.skipped],
        *([""] if results.skipped else []),
        f"![latency distributions]({plot_name})",
        "",
    ]
    return "\n".join(lines)


def target_table(
    targets: dict[str, Target], peak_rss_mib: dict[str, float], ratio: str | None = None
) -> list[str]:
    """A burst table of `targets` (in order) and the requests they made, by endpoint."""
    columns = [(name, BurstFigures.of(target.bursts)) for name, target in targets.items()]
    rss = [f"{peak_rss_mib[name]:.1f} MiB" for name in targets]
    return [
        burst_table(columns, ratio=ratio, extra=[("peak RSS (largest process)", rss)]),
        "",
        *[
            f"Pipedrive requests (tokens) by endpoint, {name} (all rounds): "
            f"{by_endpoint(target.bursts)}."
            for name, target in targets.items()
        ],
        "",
    ]


def oauth_section(args: argparse.Namespace, results: Results) -> list[str]:
    run = results.oauth
    if run is None:
        return []
    return [
        f"## PIPEDRIVE_AUTH=oauth: {args.burst} commands by {run.users} Slack users",
        "",
        f"Load: the app with `PIPEDRIVE_AUTH=oauth` (a SQLite file in a temporary directory as "
        f"`DATABASE_URL`, a Fernet `TOKEN_ENCRYPTION_KEY`) against the Pipedrive OAuth stand-in, "
        f"beside the app in api_token mode (one API token for everyone), each against its own "
        f"Pipedrive stand-in; {args.rounds} rounds alternating the two. {run.users} Slack users, "
        f"each with a Pipedrive user of their own, first get one card each (not timed): in "
        f"oauth mode by connecting (`/person 1`, the Connect link opened and consented, the card "
        f"that follows; {run.connect_requests} Pipedrive requests, {run.connect_tokens} tokens, "
        f"in all), in api_token mode with `/person 1`. Each round is then a burst of "
        f"{args.burst} concurrent `/person` commands over {args.distinct} people nobody has "
        f"looked up, command n by user n mod {run.users}, starting with a quiet burst window; "
        f"the stand-in keeps the window ({args.pipedrive_limit} requests per 2 s) per token: "
        f"the one API token, or each user's own. Caches are per user in oauth mode: a person "
        f"one user read is read again for the next, and each user's reads are batched only "
        f"with their own.",
        "",
        *target_table(run.targets, run.peak_rss_mib, ratio="oauth / api_token"),
    ]


def processes_section(args: argparse.Namespace, results: Results) -> list[str]:
    run = results.processes
    if run is None:
        return []
    many = run.processes
    return [
        f"## {many} app processes, with and without Redis (`--processes {many}`)",
        "",
        f"Load: the command burst ({args.burst} concurrent `/person` commands over "
        f"{args.distinct} people nobody has looked up) sent to one app process, to {many} "
        f"processes sharing `REDIS_URL` and to {many} processes without it (every command to "
        f"a process chosen at random, as a load balancer does), {args.rounds} rounds "
        f"alternating the three. Each setup reads with an API token of its own from its own "
        f"Pipedrive stand-in (in a process of its own), which keeps that token's burst window "
        f"({args.pipedrive_limit} requests per 2 s, 429 past it) across the processes, as "
        f"Pipedrive does; the app's `PIPEDRIVE_BURST_LIMIT` is {args.burst_limit}. Each process "
        f"answers one card first (not timed), and each burst starts with a quiet window (the "
        f"project's burst above follows its single cards, so its figures differ). Redis shares "
        f"the burst window, 429 holds and company-wide records (users, organizations, field "
        f"names, activity types); persons, pictures and activities are cached in each process, "
        f"so a person asked of more than one process is read by each.",
        "",
        *target_table(run.targets, run.peak_rss_mib),
    ]


async def run(args: argparse.Namespace) -> Results:
    slack = SlackStandIn(bot_token=BOT_TOKEN)
    await background("slack").start(slack)
    limits = httpx.Limits(max_connections=args.burst + 10, max_keepalive_connections=args.burst)
    try:
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            results = await main_rounds(args, slack, http)
            if args.oauth_users > 0:
                results.oauth = await run_oauth(args, slack, http)
            else:
                results.skipped.append("The oauth-mode run was not run (`--oauth-users 0`).")
            if args.processes < 2:
                results.skipped.append(
                    f"The several-process run was not run (`--processes {args.processes}`)."
                )
            elif not args.redis_url:
                line = (
                    f"The `--processes {args.processes}` run was skipped: no Redis URL "
                    f"(`--redis-url`, or BENCH_REDIS_URL or TEST_REDIS_URL in the environment)."
                )
                print(line, file=sys.stderr)
                results.skipped.append(line)
            else:
                results.processes = await run_processes(args, slack, http)
    finally:
        await background("slack").stop(slack)
    return results


async def main_rounds(
    args: argparse.Namespace, slack: SlackStandIn, http: httpx.AsyncClient
) -> Results:
    """Project and floor, in alternating rounds, one process each. Pipedrive's stand-in runs
    in a process of its own: it stamps each request as it arrives, as Pipedrive does, never
    late behind this process's load (which would count requests over the limit that were not)."""
    # Every round of either target takes fresh ids: the floor's too, though it never reads them.
    per_round = args.singles + 2 * args.distinct
    pipedrive = PipedriveProcess(
        token=PIPEDRIVE_TOKEN,
        first=2,
        people=2 * args.rounds * per_round,
        burst_limit=args.pipedrive_limit,
        latency=args.latency,
        own_organizations=False,
    )
    await asyncio.to_thread(pipedrive.start)
    env = bench_environment(pipedrive.url, slack.api_url, args)
    floor_env = {**env, "PYTHONPATH": str(ROOT)}
    apps = {
        "project": AppProcess(env),
        "floor": AppProcess(floor_env, command=[sys.executable, "-m", "bench.floor"]),
    }
    rounds: dict[str, list[Round]] = {"project": [], "floor": []}
    ids = Ids(start=2)
    try:
        await asyncio.gather(*(asyncio.to_thread(app.start) for app in apps.values()))
        for number in range(args.rounds):
            order = ["project", "floor"] if number % 2 == 0 else ["floor", "project"]
            for target in order:
                load = Load(apps[target].url, slack, http)
                tag = f"r{number}-{target}"
                rounds[target].append(
                    await one_round(load, apps[target], pipedrive, ids, args, tag)
                )
                slack.calls.clear()
                print(f"round {number + 1}/{args.rounds} {target}: done", file=sys.stderr)
        project = Figures.of(rounds["project"], apps["project"].peak_rss_mib())
        floor = Figures.of(rounds["floor"], apps["floor"].peak_rss_mib())
    finally:
        for app in apps.values():
            if app.process is not None:
                app.terminate()
        await asyncio.to_thread(pipedrive.stop)
    return Results(project=project, floor=floor, rounds=rounds)


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
    parser.add_argument(
        "--unfurl-style",
        choices=["work_object", "blocks"],
        default=Settings.model_fields["unfurl_style"].default,
        help="the app's (and the floor's) UNFURL_STYLE; default: the app's default",
    )
    parser.add_argument(
        "--oauth-users",
        type=int,
        default=50,
        help="Slack users of the PIPEDRIVE_AUTH=oauth run, each connected first; 0 skips it",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="app processes the burst is spread over, with and without Redis; 1 skips that run",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL"),
        help="the Redis the processes share (default: $BENCH_REDIS_URL, else $TEST_REDIS_URL); "
        "none skips the several-process run",
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=HERE / "latency.png")
    parser.add_argument(
        "--smoke", action="store_true", help="a handful of requests, to check the bench runs"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.burst, args.distinct, args.unfurls, args.singles = 1, 6, 3, 4, 1
        args.oauth_users = min(args.oauth_users, 3)
        args.latency = 0.01
    command = "python -m bench " + " ".join(argv) if argv else "make bench"
    results = asyncio.run(run(args))
    plot(results.rounds, results.oauth, results.processes, args.plot)
    plot_name = os.path.relpath(args.plot, args.out.parent)
    text = report(args, results, command, plot_name)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
