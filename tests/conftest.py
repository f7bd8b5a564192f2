"""Shared test helpers: a clock that moves only when a test says so, and a note on skipped tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import pytest

# Tests against real servers skip, naming the variable, when it is unset (and fail when it is
# set but the server cannot be reached). How to set them, as .ci/run does:
SERVER_VARIABLES = {
    "TEST_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
    "TEST_REDIS_URL": "redis://127.0.0.1:6379/0",
}


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def server_skips_line(reasons: Iterable[str]) -> str | None:
    """One line on tests skipped for want of a server variable, or None if there were none."""
    skipped = 0
    by_variable: Counter[str] = Counter()
    for reason in reasons:
        named = [variable for variable in SERVER_VARIABLES if variable in reason]
        skipped += bool(named)
        by_variable.update(named)
    if not skipped:
        return None
    counts = ", ".join(f"{variable} ({count})" for variable, count in sorted(by_variable.items()))
    settings = " ".join(
        f"{variable}={SERVER_VARIABLES[variable]}" for variable in sorted(by_variable)
    )
    tests = "test" if skipped == 1 else "tests"
    enable = f"run them with {settings} (as .ci/run does)"
    return f"{skipped} {tests} skipped for want of {counts}: {enable}"


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after the short summary, near the end
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    yield
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reasons.append(longrepr[2] if isinstance(longrepr, tuple) else str(longrepr))
    line = server_skips_line(reasons)
    if line is not None:
        terminalreporter.write_line(line, yellow=True)
