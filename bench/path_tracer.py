"""Run `python -m bot` under a profiler for `python -m bench.path` (not imported: a script).

Records each call into a file under `$TRACE_ROOT/bot/` or `$TRACE_ROOT/blocks/` between SIGUSR1
and SIGUSR2, and at SIGUSR2 writes the files, one line per move into another file, to
`$TRACE_OUT`.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = str(Path(os.environ["TRACE_ROOT"]).resolve()) + os.sep
PLACES = (ROOT + "bot" + os.sep, ROOT + "blocks" + os.sep)
moves: list[str] = []
recording = False


def profile(frame: FrameType, event: str, _: Any) -> None:
    if recording and event == "call":
        path = frame.f_code.co_filename
        if path.startswith(PLACES):
            name = path.removeprefix(ROOT)
            if not moves or moves[-1] != name:
                moves.append(name)


def start(*_: object) -> None:
    global recording
    moves.clear()
    recording = True


def stop(*_: object) -> None:
    global recording
    recording = False
    Path(os.environ["TRACE_OUT"]).write_text("".join(f"{name}\n" for name in moves))


signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
sys.setprofile(profile)
threading.setprofile(profile)
sys.argv = ["bot"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
