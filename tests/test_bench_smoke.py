"""A handful of requests through the bench, so the instrument cannot rot between runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.load import is_complete_entity, unfurls_in
from devkit.slack import SlackCall

ROOT = Path(__file__).resolve().parents[1]
URL = "https://acme.pipedrive.com/person/2?b=1"


def test_the_bench_runs_and_reports_project_against_floor(tmp_path: Path) -> None:
    results, plot = tmp_path / "RESULTS.md", tmp_path / "latency.png"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(results), "--plot", str(plot)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = results.read_text()
    assert "| single card, cold (p50) |" in report
    assert "| Pipedrive requests per card (burst) |" in report
    assert "| Pipedrive tokens per card, Refresh (median) | 3.00 |" in report
    assert "| Pipedrive requests over the announced limit (all rounds) | 0 |" in report
    # Every command of the smoke was answered, by the app and by the floor.
    assert "| answered / sent (worst round) | 6 / 6 | 6 / 6 | |" in report
    assert "| cards / sent (worst round) | 6 / 6 | 6 / 6 | |" in report
    # Links unfurl as Work Objects (the app's default style), and the bench times them.
    assert "| unfurls as Work Objects / sent (worst round) | 4 / 4 | 4 / 4 | |" in report
    assert not re.search(r"\bnan\b", report)
    # The oauth-mode run: every user connected, every command answered with a card.
    assert "## PIPEDRIVE_AUTH=oauth: 6 commands by 3 Slack users" in report
    assert "| figure | api_token | oauth | oauth / api_token |" in report
    assert "| cards / sent (worst round) | 6 / 6 | 6 / 6 |  |" in report
    if os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL"):
        assert "| figure | 1 process | 2 processes, with Redis | 2 processes, without Redis |" in (
            report
        )
        assert "- met: 2 processes sharing Redis: 0 requests over the announced limit" in report
    else:
        assert "The `--processes 2` run was skipped: no Redis URL" in report
    assert "## Targets" in report
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_an_unfurl_counts_by_its_work_object_or_its_block_kit() -> None:
    fields = [{"key": key, "label": key, "type": "string", "value": "x"} for key in ("owner",)]
    entity = {"app_unfurl_url": URL, "entity_payload": {"custom_fields": fields}}
    work_object = SlackCall("chat.unfurl", {"metadata": {"entities": [entity]}}, "/api/x")
    blocks = SlackCall("chat.unfurl", {"unfurls": {URL: {"blocks": [{"type": "header"}]}}}, "/")
    ((url, found),) = unfurls_in(work_object)
    assert (url, found.kind, found.complete) == (URL, "work_object", False)
    ((url, found),) = unfurls_in(blocks)
    assert (url, found.kind, found.complete) == (URL, "blocks", False)
    keys = ("owner", "organization", "next_activity", "next_activity_due")
    full = [{"key": key} for key in keys]
    assert is_complete_entity({"entity_payload": {"custom_fields": full}})


def test_the_path_tracer_follows_one_person_command_from_listener_to_card() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.path"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts, layers, files = done.stdout.splitlines()[:3]
    assert re.fullmatch(r"\d+ files entered, \d+ moves between files", counts)
    trip = files.split(" > ")
    # In the order the flow goes: the listener, the use case, the client, the card, delivery.
    order = [
        "bot/slack/listeners/commands/person.py",
        "bot/cards/lookup.py",
        "bot/pipedrive/client.py",
        "blocks/person_card.py",
        "bot/slack/delivery.py",
    ]
    assert [trip.index(name) for name in order] == sorted(trip.index(name) for name in order)
    assert layers.startswith("layers in the order first entered: bot/slack > ")
