"""A request to `/slack/events`, checked before Bolt sees it: signed first, then well formed.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 and the app's signing secret.

Anyone can post to the app's public URL. The signature is checked on the raw bytes before
anything is parsed, so an unsigned body costs one HMAC and a 401; a signed body Bolt could not
parse, or whose shapes it would trip over (an `event` that is a string, `actions` that is an
object), gets a 400. Either way one log line, never a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.internals import parse_body

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# Slack's rule: a request signed more than five minutes ago is a replay.
MAX_AGE_SECONDS = 300
# Slack's payloads are shallow; JSON this deep is an attack on the parser, not a request.
MAX_JSON_DEPTH = 64


@dataclass(frozen=True)
class Refused:
    status: int  # 401 unsigned, forged or replayed; 400 signed but malformed
    reason: str


def check(
    signing_secret: bytes, raw: bytes, headers: dict[str, str], *, now: float | None = None
) -> str | Refused:
    """The body as text, ready for Bolt, or why it is refused."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not signature:
        return Refused(401, "missing or malformed signature headers")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return Refused(401, "stale timestamp (a replay?)")
    # On the raw bytes: slack_sdk's verifier decodes the body first, and raises on bad UTF-8.
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(signing_secret, base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return Refused(401, "bad signature")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refused(400, "body is not UTF-8")
    problem = _malformed(text, headers.get("content-type", "").split(";")[0].strip())
    return Refused(400, problem) if problem else text


def _malformed(text: str, content_type: str) -> str | None:
    if _too_deep(text):
        return "JSON nested too deep"
    try:
        body: Any = parse_body(text, content_type)
    except (ValueError, RecursionError):
        return "body is not valid JSON or form data"
    if not isinstance(body, dict):
        return "body is not an object"
    for key in ("event", "view", "container", "user", "team", "channel", "message"):
        if key in body and not isinstance(body[key], dict) and body[key] is not None:
            return f"{key} is not an object"
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions is not a list of actions"
        if not all(isinstance(action, dict) for action in actions):
            return "an action is not an object"
    return None


def _too_deep(text: str) -> bool:
    """Brackets nested deeper than `MAX_JSON_DEPTH`, counted without parsing (linear time)."""
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False
