"""`python -m bench.path [--root DIR]`: the project files one `/person 1` enters, in order.

Starts the app of the checkout at DIR (this one by default) under a profiler
(`bench/path_tracer.py`), against this checkout's stand-ins, and records each call into a file
under DIR's `bot/` or `blocks/` from just before the signed command is sent until its card has
reached the Slack stand-in. Prints the files in the order they are first entered, how many
there are, how many times the trip moves from one file into another, and the layers (packages)
in the order their files are first entered, with how often that order goes back to a layer it
had left. Point `--root` at a checkout of an older commit (`git worktree add /tmp/old <commit>`)
to measure that commit.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import tempfile
import time
from pathlib import Path

from devkit.harness import AppProcess, SlackSender, StandIns, app_environment_for, wait_for

HERE = Path(__file__).resolve().parent
SETTLE_SECONDS = 0.3  # for a signal to reach the app, and the card's last calls to end


def trace(root: Path) -> list[str]:
    """The files one `/person 1` enters, one line per move into another file."""
    standins = StandIns()
    standins.start()
    out = Path(tempfile.mkdtemp(prefix="path-")) / "moves.txt"
    env = app_environment_for(
        standins.pipedrive.url,
        standins.slack.api_url,
        TRACE_ROOT=str(root),
        TRACE_OUT=str(out),
        PYTHONPATH=str(root),
        LOG_LEVEL="WARNING",
    )
    app = AppProcess(env, command=[sys.executable, str(HERE / "path_tracer.py")])
    try:
        app.start()
        assert app.process is not None
        app.process.send_signal(signal.SIGUSR1)
        time.sleep(SETTLE_SECONDS)
        SlackSender(app.url, standins.slack).command("1", "path")
        wait_for(lambda: bool(standins.slack.responses("path")), timeout=30, what="the card")
        time.sleep(SETTLE_SECONDS)
        app.process.send_signal(signal.SIGUSR2)
        wait_for(out.exists, timeout=10, what="the trace")
    finally:
        if app.process is not None:
            app.terminate()
        standins.stop()
    return out.read_text().split()


def layer(path: str) -> str:
    """A file's layer: its package under `bot/` (`bot` for the top modules), or `blocks`."""
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] == "bot" and len(parts) > 2 else parts[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.path", description=__doc__)
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the checkout to trace")
    args = parser.parse_args(argv)
    moves = trace(args.root.resolve())
    first = list(dict.fromkeys(moves))
    layers = [name for name, _ in itertools.groupby(layer(path) for path in first)]
    returns = len(layers) - len(set(layers))
    print(f"{len(first)} files entered, {len(moves) - 1} moves between files")
    print(f"layers in the order first entered: {' > '.join(layers)} ({returns} returns)")
    print(" > ".join(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
