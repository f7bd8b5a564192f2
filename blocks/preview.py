"""Blocks as plain text for a terminal (`python -m bot card`)."""

from __future__ import annotations

import re
from typing import Any

from .kit import Block
from .text import unescape

# A mrkdwn token: <target> or <target|label>; data is escaped, so it holds no bare < or >.
_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"\*([^*\n]+)\*")


def preview(blocks: list[Block]) -> str:
    return "\n\n".join("\n".join(lines) for lines in map(_block_lines, blocks) if lines)


def _block_lines(block: Block) -> list[str]:
    match block.get("type"):
        case "header":
            title = _readable(block["text"]["text"])
            return [title, "=" * len(title)]
        case "section":
            return _section_lines(block)
        case "actions":
            return [_element_line(element) for element in block.get("elements", [])]
        case "context":
            return [" · ".join(_element_line(element) for element in block.get("elements", []))]
        case "divider":
            return ["-" * 40]
        case _:
            return []


def _section_lines(block: Block) -> list[str]:
    text = _readable(block["text"]["text"]) if "text" in block else ""
    lines = [_unbold(line) for line in text.splitlines()]
    for field in block.get("fields", []):
        lines.extend(_unbold(line) for line in _field_lines(field["text"]))
    if "accessory" in block:
        lines.append(_element_line(block["accessory"]))
    return lines


def _field_lines(text: str) -> list[str]:
    """ "*Label*\\nvalue\\nmore" as "Label: value" with the further values aligned below."""
    first, *values = _readable(text).splitlines() or [""]
    if not (len(first) > 2 and first.startswith("*") and first.endswith("*") and values):
        return [first, *values]
    label = first[1:-1]
    indent = " " * (len(label) + 2)
    return [f"{label}: {values[0]}", *(indent + value for value in values[1:])]


def _unbold(line: str) -> str:
    """`*bold*` as bold's plain text: a terminal shows the words, not the markup."""
    return _BOLD.sub(r"\1", line)


def _element_line(element: dict[str, Any]) -> str:
    match element.get("type"):
        case "button":
            return f"[{_readable(element['text']['text'])}] {element.get('url', '')}".rstrip()
        case "image":
            return f"[image: {_readable(element.get('alt_text', ''))}] {element['image_url']}"
        case _:
            return _readable(element.get("text", ""))


def _readable(text: str) -> str:
    return unescape(_TOKEN.sub(_token_text, text))


def _token_text(token: re.Match[str]) -> str:
    target, label = token[1], token[2]
    if label is None:
        return target
    if target.startswith(("!date^", "mailto:", "tel:")):
        return label
    return f"{label} ({target})"
