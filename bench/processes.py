"""The `--processes N` run: the command burst spread over N app processes of one API token.

Pipedrive counts a token's burst window across every process that uses it, so N processes
must share theirs: with `REDIS_URL` they do (one window, 429 holds and company-wide records in
Redis). The same burst goes to one process, to N processes sharing Redis and to N processes
without it (every command to a process chosen at random, as a load balancer does), in
alternating rounds. Each setup reads from its own Pipedrive stand-in, which keeps the window
(20 requests per 2 s by default) for its token across processes, with an API token and a
company subdomain no earlier run used, so nothing another run (or a test on the same Redis)
left there is shared with it. Each process answers one card first (not timed), as a running
app has; each burst starts with a quiet window.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field

import httpx

from devkit import SlackStandIn
from devkit.harness import AppProcess
from devkit.pipedrive_process import PipedriveProcess

from .load import (
    Target,
    alternate_rounds,
    bench_environment,
    first_cards,
    fresh_credentials,
)

ONE_PROCESS = "1 process"


def with_redis(processes: int) -> str:
    return f"{processes} processes, with Redis"


def without_redis(processes: int) -> str:
    return f"{processes} processes, without Redis"


@dataclass
class ProcessesRun:
    """What the N-process run measured, by setup (in the order RESULTS.md shows them)."""

    processes: int
    targets: dict[str, Target] = field(default_factory=dict)
    peak_rss_mib: dict[str, float] = field(default_factory=dict)  # the largest process's


async def run_processes(
    args: argparse.Namespace, slack: SlackStandIn, http: httpx.AsyncClient
) -> ProcessesRun:
    many = args.processes
    setups = [(ONE_PROCESS, 1, None), (with_redis(many), many, args.redis_url)]
    setups.append((without_redis(many), many, None))
    targets: list[Target] = []
    stand_ins: list[PipedriveProcess] = []
    try:
        for name, count, redis_url in setups:
            token, company = fresh_credentials()
            # In a process of its own, as in the main run: arrivals stamped as they come.
            pipedrive = PipedriveProcess(
                token=token,
                first=2,
                people=args.rounds * args.distinct,
                burst_limit=args.pipedrive_limit,
                latency=args.latency,
                own_organizations=False,
            )
            await asyncio.to_thread(pipedrive.start)
            stand_ins.append(pipedrive)
            redis = {"REDIS_URL": redis_url} if redis_url else {}
            env = bench_environment(
                pipedrive.url,
                slack.api_url,
                args,
                PIPEDRIVE_API_TOKEN=token,
                PIPEDRIVE_COMPANY_DOMAIN=company,
                **redis,
            )
            targets.append(Target(name, pipedrive, [AppProcess(env) for _ in range(count)]))
        apps = [app for target in targets for app in target.apps]
        await asyncio.gather(*(asyncio.to_thread(app.start) for app in apps))
        for target in targets:
            for number, load in enumerate(target.loads(slack, http)):
                await first_cards(load, target.users, f"first-{target.name}-{number}")
        await alternate_rounds(targets, args, slack, http, f"{many} processes")
        return ProcessesRun(
            processes=many,
            targets={target.name: target for target in targets},
            peak_rss_mib={target.name: target.peak_rss_mib() for target in targets},
        )
    finally:
        for target in targets:
            for app in target.apps:
                if app.process is not None:
                    app.terminate()
        for pipedrive in stand_ins:
            await asyncio.to_thread(pipedrive.stop)
