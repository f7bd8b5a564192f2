"""A Slack message: blocks and the notification text Slack requires alongside them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]]

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `respond(...)`, `chat_postMessage(...)` and friends."""
        return {"text": self.text, "blocks": self.blocks}
