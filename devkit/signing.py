"""Sign a request body exactly as Slack signs the requests it sends to an app.

`v0=HMAC_SHA256(signing_secret, "v0:{timestamp}:{body}")` in `X-Slack-Signature`, the timestamp
in `X-Slack-Request-Timestamp`; over the raw bytes, so any body can be signed, broken UTF-8
included (`tests/e2e/test_signatures.py` checks it against slack_sdk's `SignatureVerifier`).
"""

from __future__ import annotations

import hashlib
import hmac
import time


def signed_headers(
    secret: str, body: str | bytes, content_type: str, *, timestamp: int | None = None
) -> dict[str, str]:
    """Headers for posting `body` to the app as Slack would, now or at `timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256)
    signature = "v0=" + digest.hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
