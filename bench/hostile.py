"""`python -m bench.hostile`: what hostile Pipedrive bodies cost the app, in memory and stalls.

For each body (a 50 MB JSON person, a gzip answer that inflates to 512 MiB, a body that never
ends) a fresh app process, started as the Procfile starts it, answers one warm-up card and then
`/person` for a person whose read gets that body, while `/healthz` is asked every 10 ms. It
prints the answer, how long it took, the longest wait for a `/healthz` answer (the event loop's
stall), and the process's memory: resident before, peak (`VmHWM`) and resident after.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devkit import PipedriveStandIn, SlackStandIn
from devkit.harness import (
    BOT_TOKEN,
    PIPEDRIVE_TOKEN,
    AppProcess,
    SlackSender,
    app_environment_for,
)

CASES: dict[str, dict[str, Any]] = {
    "json-50MB": {"size": 50 * 1000 * 1000},
    "gzip-bomb-512MiB": {"size": 512 * 1024 * 1024, "gzip": True},
    "trickle": {"trickle": 0.5},
}


@dataclass
class Outcome:
    case: str
    answer: str
    seconds: float
    stall_ms: float
    rss_before_mib: float
    peak_mib: float
    rss_after_mib: float


def rss_mib(app: AppProcess, field: str = "VmRSS") -> float:
    assert app.process is not None
    status = Path(f"/proc/{app.process.pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith(f"{field}:"))
    return int(kib) / 1024


async def measure(case: str, how: dict[str, Any]) -> Outcome:
    pipedrive = PipedriveStandIn(token=PIPEDRIVE_TOKEN)
    slack = SlackStandIn(bot_token=BOT_TOKEN)
    await pipedrive.start()
    await slack.start()
    pipedrive.add_people(2)
    app = AppProcess(app_environment_for(pipedrive.url, slack.api_url, LOG_LEVEL="WARNING"))
    await asyncio.to_thread(app.start)
    sender = SlackSender(app.url, slack)
    try:
        await asyncio.to_thread(sender.command, "2", "warm-up")
        await asyncio.to_thread(sender.answers, "warm-up")
        before = rss_mib(app)
        pipedrive.misbehave("/api/v2/persons/3", **how)
        stall = 0.0
        async with httpx.AsyncClient(timeout=60) as http:
            started = time.perf_counter()
            await asyncio.to_thread(sender.command, "3", "hostile")
            while not slack.responses("hostile"):
                asked = time.perf_counter()
                await http.get(f"{app.url}/healthz")
                stall = max(stall, time.perf_counter() - asked)
                await asyncio.sleep(0.01)
            seconds = time.perf_counter() - started
        answer = slack.responses("hostile")[0]
        text = str(answer.get("text", ""))[:70]
        return Outcome(
            case, text, seconds, stall * 1000, before, rss_mib(app, "VmHWM"), rss_mib(app)
        )
    finally:
        app.terminate()
        await pipedrive.stop()
        await slack.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    parser.add_argument("cases", nargs="*", help=f"some of: {', '.join(CASES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    print("| body | answer | answered after | longest /healthz wait | RSS before | peak | after |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for case in args.cases or CASES:
        got = asyncio.run(measure(case, CASES[case]))
        print(
            f"| {got.case} | {got.answer} | {got.seconds:.1f} s | {got.stall_ms:.0f} ms "
            f"| {got.rss_before_mib:.0f} MiB | {got.peak_mib:.0f} MiB "
            f"| {got.rss_after_mib:.0f} MiB |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
