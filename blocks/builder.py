"""Links that open blocks in Slack's Block Kit Builder, to see a card as Slack draws it."""

from __future__ import annotations

import json
from urllib.parse import quote

from .kit import Block

BUILDER_URL = "https://app.slack.com/block-kit-builder#"


def builder_url(blocks: list[Block]) -> str:
    return BUILDER_URL + quote(json.dumps({"blocks": blocks}, separators=(",", ":")))
