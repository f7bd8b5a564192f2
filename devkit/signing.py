"""Sign a request body exactly as Slack signs the requests it sends to an app.

`v0=HMAC_SHA256(signing_secret, "v0:{timestamp}:{body}")` in `X-Slack-Signature`, the timestamp
in `X-Slack-Request-Timestamp` (slack_sdk's own `SignatureVerifier` computes it).
"""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier


def signed_headers(
    secret: str, body: str | bytes, content_type: str, *, timestamp: int | None = None
) -> dict[str, str]:
    """Headers for posting `body` to the app as Slack would, now or at `timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
