"""`without_images`: the message Slack gets again when it could not download a picture."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import has_images, person_card, without_images
from blocks.kit import context, image, section
from bot.domain import CardDetail, Person, Picture
from tests.blockkit import assert_valid_blocks
from tests.blocks.seed import card_of, seed_person
from tests.blocks.test_person_card import NOW, persons

PHOTO = image("https://x.io/a.png", alt_text="Photo")


def test_the_seed_card_loses_its_photo_and_nothing_else() -> None:
    blocks = person_card(seed_person(), company_domain="acme", actions=True)
    before = copy.deepcopy(blocks)
    assert has_images(blocks)
    plain = without_images(blocks)
    assert blocks == before  # the input is left as it was
    assert not has_images(plain)
    assert "image_url" not in json.dumps(plain)
    assert_valid_blocks(plain)
    profile = next(block for block in plain if block.get("fields"))
    assert "accessory" not in profile
    assert [b for b in plain if b is not profile] == [b for b in blocks if "accessory" not in b]
    assert len(plain) == len(blocks)


def test_a_picture_only_section_keeps_the_name_beside_it() -> None:
    person = card_of(id=7, picture=Picture(urls={128: "https://x.io/a.png"}))
    plain = without_images(person_card(person, company_domain="acme"))
    assert_valid_blocks(plain)
    assert plain[1] == {"type": "section", "text": {"type": "mrkdwn", "text": "Person 7"}}


def test_every_kind_of_image_goes() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "image", "image_url": "https://x.io/b.png", "alt_text": "B"},
        section("text", accessory=PHOTO),
        section(fields=["a field"], accessory=PHOTO),
        {"type": "section", "accessory": PHOTO},  # nothing left to show: goes too
        context(["before"]) | {"elements": [PHOTO, {"type": "mrkdwn", "text": "words"}]},
        {"type": "context", "elements": [PHOTO]},  # nothing left to show: goes too
        section("kept", accessory={"type": "button", "text": {"type": "plain_text", "text": "b"}}),
    ]
    assert without_images(blocks) == [
        section("text"),
        section(fields=["a field"]),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "words"}]},
        blocks[-1],
    ]


def test_blocks_without_images_come_back_as_they_were() -> None:
    blocks = person_card(card_of(id=7, name="Jane"), company_domain="acme")
    assert not has_images(blocks)
    assert without_images(blocks) == blocks
    assert without_images([]) == []


@settings(max_examples=200, deadline=None)
@given(persons, st.sampled_from(["full", "compact"]))
def test_any_card_without_images_is_valid_and_has_none(person: Person, detail: CardDetail) -> None:
    blocks = person_card(person, company_domain="acme", now=NOW, detail=detail)
    plain = without_images(blocks)
    assert_valid_blocks(plain)
    assert not has_images(plain)
    assert without_images(plain) == plain
    # Only pictures go: every block without one stays, in order.
    assert [b for b in blocks if not has_images([b])] == [b for b in plain if b in blocks]
