"""The closing line about tests skipped for want of TEST_DATABASE_URL / TEST_REDIS_URL."""

from __future__ import annotations

from tests.conftest import server_skips_line


def test_nothing_to_say_when_no_test_waited_for_a_server() -> None:
    assert server_skips_line([]) is None
    assert server_skips_line(["Skipped: only on Windows"]) is None


def test_counts_per_variable_and_says_how_to_enable_them() -> None:
    line = server_skips_line(
        [
            "Skipped: TEST_DATABASE_URL is not set: PostgreSQL variants skipped",
            "Skipped: TEST_DATABASE_URL is not set: PostgreSQL variants skipped",
            "Skipped: TEST_REDIS_URL is not set",
            "Skipped: unrelated",
        ]
    )
    assert line == (
        "3 tests skipped for want of TEST_DATABASE_URL (2), TEST_REDIS_URL (1): run them with"
        " TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        " TEST_REDIS_URL=redis://127.0.0.1:6379/0 (as .ci/run does)"
    )


def test_a_test_needing_both_servers_counts_once() -> None:
    line = server_skips_line(["Skipped: needs TEST_DATABASE_URL and TEST_REDIS_URL"])
    assert line is not None
    assert line.startswith("1 test skipped for want of TEST_DATABASE_URL (1), TEST_REDIS_URL (1)")
