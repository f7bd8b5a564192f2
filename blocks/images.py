"""Pictures in blocks: whether a message has any, and the same message without them.

Slack downloads every image of a message before accepting it; when it cannot, it refuses the
whole message. The app then sends the message once more without its pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .kit import Block


def has_images(blocks: Sequence[Block]) -> bool:
    return any(_is_image(block) or _image_parts(block) for block in blocks)


def without_images(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with every image left out: image blocks, image accessories, context images.

    A block left with nothing to show (a section without text or fields, an empty context) goes
    too. The input is not changed.
    """
    kept: list[Block] = []
    for original in blocks:
        if _is_image(original):
            continue
        if not _image_parts(original):
            kept.append(original)
            continue
        block = dict(original)
        if _is_image(block.get("accessory")):
            del block["accessory"]
            if block.get("type") == "section" and "text" not in block and not block.get("fields"):
                continue
        if block.get("type") == "context":
            block["elements"] = [item for item in block["elements"] if not _is_image(item)]
            if not block["elements"]:
                continue
        kept.append(block)
    return kept


def _image_parts(block: Block) -> bool:
    if _is_image(block.get("accessory")):
        return True
    return block.get("type") == "context" and any(map(_is_image, block.get("elements", [])))


def _is_image(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") == "image"
