"""Log lines never carry tokens, signing secrets or response URLs."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactingFilter, RequestRecord, logged_request


def format_record(record_filter: RedactingFilter, message: str, *args: object) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, args, None)
    record_filter.filter(record)
    return record.getMessage()


def test_configured_secrets_are_redacted() -> None:
    redacting = RedactingFilter(["pd-secret-token-123", "signing-secret-456"])
    line = format_record(
        redacting, "token=%s secret=%s", "pd-secret-token-123", "signing-secret-456"
    )
    assert "pd-secret-token-123" not in line and "signing-secret-456" not in line
    assert line.count("[redacted]") == 2


@pytest.mark.parametrize(
    "leak",
    [
        "xoxb-1234-5678-abcdefgh",
        "xapp-1-A111-222-abc",
        "https://hooks.slack.com/commands/T111/111/xxxxx",
    ],
)
def test_slack_credentials_are_redacted_even_when_not_configured(leak: str) -> None:
    line = format_record(RedactingFilter(), "sent to %s", leak)
    assert "[redacted]" in line
    assert "T111/111/xxxxx" not in line and "abcdefgh" not in line and "A111-222" not in line


def test_tracebacks_are_redacted_too() -> None:
    redacting = RedactingFilter(["pd-secret-token-123"])
    try:
        raise ValueError("failed with pd-secret-token-123")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "boom", None, __import__("sys").exc_info()
        )
    redacting.filter(record)
    assert record.exc_text is not None
    assert "pd-secret-token-123" not in record.exc_text


async def test_logged_request_writes_one_line_with_outcome_and_duration(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    async with logged_request(RequestRecord("command", "/person", user="U123")) as request:
        request.outcome = "card"
        request.details["person_id"] = 7
    (record,) = caplog.records
    line = record.getMessage()
    assert line.startswith("kind=command name=/person outcome=card duration_ms=")
    assert f"request_id={request.request_id} user=U123" in line
    assert line.endswith("person_id=7")


async def test_an_escaping_exception_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.requests")
    async with logged_request(RequestRecord("event", "link_shared")) as request:
        raise RuntimeError("bug")
    error, summary = caplog.records
    assert error.levelno == logging.ERROR and request.request_id in error.getMessage()
    assert "outcome=crashed" in summary.getMessage()
