"""How much work a call does, counted rather than timed: lines of Python it executes.

A count does not depend on the machine or its load, so a test can ask that doubling the input
no more than about doubles the work (linear), which a quadratic loop fails by far.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def python_lines(call: Callable[[], object]) -> int:
    """Lines of Python executed by `call()`, in every function it calls."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def growth(work: Callable[[int], Callable[[], object]], size: int) -> float:
    """How many times more lines `work(2 * size)` executes than `work(size)`."""
    return python_lines(work(2 * size)) / python_lines(work(size))
