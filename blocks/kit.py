"""Constructors for the Block Kit dicts the cards and messages use.

They take text as it should appear: escaping and clipping data is the caller's job (`text.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Block = dict[str, Any]


def plain_text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn_text(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text)}


def section(
    text: str | None = None,
    *,
    fields: Sequence[str] = (),
    accessory: dict[str, Any] | None = None,
) -> Block:
    block: Block = {"type": "section"}
    if text is not None:
        block["text"] = mrkdwn_text(text)
    if fields:
        block["fields"] = [mrkdwn_text(field) for field in fields]
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(texts: Sequence[str]) -> Block:
    return {"type": "context", "elements": [mrkdwn_text(text) for text in texts]}


def actions(elements: Sequence[dict[str, Any]]) -> Block:
    return {"type": "actions", "elements": list(elements)}


def link_button(text: str, *, action_id: str, url: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": plain_text(text),
        "action_id": action_id,
        "url": url,
        "value": value,
    }


def button(text: str, *, action_id: str, value: str) -> dict[str, Any]:
    return {"type": "button", "text": plain_text(text), "action_id": action_id, "value": value}


def image(url: str, *, alt_text: str) -> dict[str, Any]:
    return {"type": "image", "image_url": url, "alt_text": alt_text}
