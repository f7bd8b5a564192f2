"""Block Kit checks for every test that builds blocks.

slack_sdk's models enforce most of Slack's limits; the ones they miss (50 blocks per message,
2000 characters per section field) come from the same reference, `block-kit-limits.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

_LIMITS = json.loads(
    (Path(__file__).parent / "fixtures" / "reference" / "block-kit-limits.json").read_text()
)
MESSAGE_BLOCKS_MAX: int = _LIMITS["surface_limits"]["message_blocks_max"]
FIELD_TEXT_MAX: int = _LIMITS["documented_but_not_validated_by_slack_sdk"][
    "SectionBlock.fields[i].text max chars"
]
HEADER_TEXT_MAX: int = _LIMITS["slack_sdk_validators"]["blocks.py::HeaderBlock"]["text_max_length"]

# The only tokens the code builds itself: mailto and tel links, dates, and Pipedrive pages.
_OWN_TOKEN = re.compile(
    r"<(?:mailto:[A-Za-z0-9_.~%@-]+"
    r"|tel:\+?[0-9]+"
    r"|!date\^-?[0-9]+\^[^<>|]+"
    r"|https://[a-z0-9-]+\.pipedrive\.com/(?:person|organization)/[0-9]+)"
    r"\|[^<>]*>"
)
_STRAY_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """`blocks` is a message Slack accepts: valid for slack_sdk and within every limit."""
    json.dumps(blocks)
    assert 0 < len(blocks) <= MESSAGE_BLOCKS_MAX, f"{len(blocks)} blocks"
    for block in blocks:
        _assert_limits_slack_sdk_misses(block)  # first: slack_sdk crashes on a missing alt_text
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block type: {block.get('type')}"
        # to_dict() validates the limits; comparing shows keys the parse dropped or changed.
        assert parsed.to_dict() == block
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), f"duplicate block ids: {block_ids}"
    for text in _text_objects(blocks):
        assert text["text"].strip(), f"blank text object: {text}"


def assert_valid_view(view: dict[str, Any]) -> None:
    """`view` is a modal Slack accepts: slack_sdk's view model (title, buttons, metadata and
    callback id lengths, 100 blocks) unchanged by a round trip, each block as above."""
    json.dumps(view)
    parsed = View(**view)
    parsed.validate_json()
    assert parsed.to_dict() == view
    assert 0 < len(view["blocks"]) <= 100
    for block in view["blocks"]:
        _assert_limits_slack_sdk_misses(block)
    block_ids = [block["block_id"] for block in view["blocks"] if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), f"duplicate block ids: {block_ids}"
    for text in _text_objects(view["blocks"]):
        assert text["text"].strip(), f"blank text object: {text}"


def assert_no_injection(
    blocks: list[dict[str, Any]],
    hostile: Iterable[str] = (),
    *,
    text: str | None = None,
    mentions: Iterable[str] = (),
) -> None:
    """No data-derived ping, link or broken entity remains in the blocks (or fallback `text`).

    Every `<…>` must be a token the code builds (or a mention of one of the user ids in
    `mentions`, which came from Slack); plain text holds no token at all; every `&` starts an
    entity; no hostile string with `<` or `>` survives verbatim.
    """
    hostile_tokens = [value for value in hostile if "<" in value or ">" in value]
    allowed = [f"<@{user}>" for user in mentions]
    for kind, value in _all_texts(blocks, text):
        rest = value if kind == "plain_text" else _OWN_TOKEN.sub("", value)
        for mention in allowed:
            rest = rest.replace(mention, "")
        assert "<" not in rest and ">" not in rest, f"stray token in {kind}: {value!r}"
        assert not _STRAY_AMPERSAND.search(value), f"unescaped & in {kind}: {value!r}"
        for token in hostile_tokens:
            assert token not in value, f"{token!r} survived in {value!r}"


def _assert_limits_slack_sdk_misses(block: dict[str, Any]) -> None:
    if block.get("type") == "header":
        assert len(block.get("text", {}).get("text", "")) <= HEADER_TEXT_MAX
    for field in block.get("fields", []):
        assert 0 < len(field["text"]) <= FIELD_TEXT_MAX, f"field of {len(field['text'])} chars"
    for element in _dicts(block):
        if element.get("type") == "image":
            assert element.get("alt_text", "").strip(), f"image without alt_text: {element}"


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _text_objects(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in _dicts(blocks):
        if item.get("type") in ("plain_text", "mrkdwn") and "text" in item:
            yield item


def _all_texts(blocks: list[dict[str, Any]], text: str | None) -> Iterator[tuple[str, str]]:
    for item in _text_objects(blocks):
        yield item["type"], item["text"]
    for item in _dicts(blocks):
        if "alt_text" in item:
            yield "plain_text", item["alt_text"]
    if text is not None:
        yield "mrkdwn", text
