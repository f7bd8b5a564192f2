"""A handful of requests through the bench, so the instrument cannot rot between runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_bench_runs_and_reports_project_against_floor(tmp_path: Path) -> None:
    results, plot = tmp_path / "RESULTS.md", tmp_path / "latency.png"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(results), "--plot", str(plot)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
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
    assert "## Targets" in report
    assert plot.read_bytes().startswith(b"\x89PNG")
