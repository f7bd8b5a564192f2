"""Logging: one line per request in key=value form, with secrets and response URLs scrubbed."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

log = logging.getLogger("bot.requests")

# Tokens Slack issues, and response_url paths (each is a credential to post into a conversation).
_SECRET_PATTERNS = (
    re.compile(r"xox[a-z]-[A-Za-z0-9-]+"),
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r"(hooks\.slack\.com/)[^\s\"'>]+"),
    re.compile(r"(/response/)[^\s\"'>]+"),
)


class RedactingFilter(logging.Filter):
    """Replaces configured secrets and Slack credential patterns in every formatted record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; keep that for DEBUG.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))


@dataclass
class RequestRecord:
    """What the request log line says about one Slack request.

    `user`: the Slack user id that asked, an audit trail; the line never carries contact data.
    """

    kind: str
    name: str
    user: str = "-"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    outcome: str = "ok"
    details: dict[str, str | int] = field(default_factory=dict)


@asynccontextmanager
async def logged_request(record: RequestRecord) -> AsyncIterator[RequestRecord]:
    """Time the block and log one line for it; an escaping exception is logged with its id."""
    started = time.perf_counter()
    try:
        yield record
    except Exception:
        record.outcome = "crashed"
        log.exception("request_id=%s unhandled error", record.request_id)
    finally:
        duration_ms = round((time.perf_counter() - started) * 1000)
        extra = "".join(f" {key}={value}" for key, value in record.details.items())
        log.info(
            "kind=%s name=%s outcome=%s duration_ms=%d request_id=%s user=%s%s",
            record.kind,
            record.name,
            record.outcome,
            duration_ms,
            record.request_id,
            record.user,
            extra,
        )
