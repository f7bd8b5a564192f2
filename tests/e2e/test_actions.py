"""The `/person` card's buttons through the real app process: Share, Refresh, tampered values,
and a picture Slack cannot download.

Clicks are signed `block_actions` payloads, as Slack sends them; their answers go to the Slack
stand-in's response_url, which records them in order.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from devkit.harness import (
    TAMPERED_VALUES,
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    block_actions,
    link_shared_event,
    wait_for,
)

SHARE, REFRESH, OPEN = "share_person", "refresh_person", "open_in_pipedrive"
CARD_BUTTONS = [OPEN, SHARE, REFRESH, "add_note", "schedule_follow_up"]
BROKEN_HOST = "unreachable-pics.example.com"


def click(slack: SlackSender, response_name: str, action_id: str, **action: Any) -> int:
    button = {"type": "button", "action_id": action_id, "text": {"type": "plain_text"}}
    return slack.action(block_actions(slack, response_name, {**button, **action})).status_code


def buttons(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        element["action_id"]: element
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def person_reads(standins: StandIns, person_id: int) -> int:
    """Reads of the person itself, alone or in a list request (not its picture)."""
    return sum(
        1
        for seen in standins.pipedrive.requests
        if seen.path == f"/api/v2/persons/{person_id}"
        or (
            seen.path == "/api/v2/persons"
            and str(person_id) in seen.query.get("ids", "").split(",")
        )
    )


def add_pictured_person(standins: StandIns, person_id: int, host: str) -> None:
    """A copy of person 1 whose picture is on `host` (its own picture id, so not cached)."""
    records = standins.pipedrive.records
    person = copy.deepcopy(records["/api/v2/persons/1"])
    person["data"].update(id=person_id, name=f"Pictured {person_id}", picture_id=person_id)
    picture = copy.deepcopy(records["/api/v2/persons/1/picture"])
    picture["data"].update(id=person_id, item_id=person_id)
    picture["data"]["pictures"] = {
        size: f"https://{host}/{person_id}_{size}.jpg" for size in "128 512".split()
    }
    standins.pipedrive.put(f"/api/v2/persons/{person_id}", person)
    standins.pipedrive.put(f"/api/v2/persons/{person_id}/picture", picture)


def test_the_person_card_has_open_share_refresh_and_the_writes(slack: SlackSender) -> None:
    slack.command("1", "card-buttons")
    (answer,) = slack.answers("card-buttons")
    found = buttons(answer)
    assert list(found) == CARD_BUTTONS
    assert {button["value"] for button in found.values()} == {"1"}


def test_a_card_picked_from_a_search_has_them_too(slack: SlackSender) -> None:
    click(slack, "picked-buttons", "show_person", value="202")
    (answer,) = slack.answers("picked-buttons")
    assert answer["replace_original"] is True
    assert list(buttons(answer)) == CARD_BUTTONS


def test_share_posts_the_card_in_channel_and_removes_the_ephemeral(
    slack: SlackSender, standins: StandIns
) -> None:
    assert click(slack, "share", SHARE, value="1") == 200
    shared, removed = slack.answers("share", count=2)
    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    card = all_text(shared["blocks"])
    for expected in ("Will Smith", "Shared by <@W111>", "<mailto:12345@email.com|12345@email.com>"):
        assert expected in card
    assert list(buttons(shared)) == [OPEN]  # nobody in the channel can share or refresh it
    assert shared["text"] == "Will Smith · Org Name"
    assert removed == {"delete_original": True}
    assert standins.slack.calls_to("chat.postMessage") == []  # no scope, no membership needed


def test_refresh_reads_the_person_past_the_cache_and_replaces_the_card(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(instance="cached")  # the default 30 s person cache
    slack = SlackSender(app.url, standins.slack)
    slack.command("40", "before-refresh")
    (card,) = slack.answers("before-refresh")
    assert "Fetched" not in all_text(card["blocks"])
    reads = person_reads(standins, 40)
    slack.command("40", "cached")
    slack.answers("cached")
    assert person_reads(standins, 40) == reads  # the cache answered
    assert click(slack, "refresh", REFRESH, value="40") == 200
    (refreshed,) = slack.answers("refresh")
    assert person_reads(standins, 40) == reads + 1
    assert refreshed["replace_original"] is True
    assert refreshed["response_type"] == "ephemeral"
    said = all_text(refreshed["blocks"])
    assert "Will Smith 40" in said
    assert "Fetched from Pipedrive <!date^" in said
    assert list(buttons(refreshed)) == CARD_BUTTONS


@pytest.mark.parametrize("action_id", [SHARE, REFRESH])
@pytest.mark.parametrize("action", TAMPERED_VALUES, ids=json.dumps)
def test_a_tampered_value_gets_a_clear_answer_and_no_lookup(
    slack: SlackSender, standins: StandIns, action_id: str, action: dict[str, Any]
) -> None:
    before = standins.pipedrive.count()
    name = f"tampered-{action_id}-{abs(hash(json.dumps(action)))}"
    assert click(slack, name, action_id, **action) == 200
    (answer,) = slack.answers(name)
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False  # the card stays
    said = all_text(answer["blocks"])
    assert "/person" in said and "<!channel>" not in said
    assert standins.pipedrive.count() == before
    assert standins.slack.responses(name) == [answer]  # nothing shared, nothing deleted


def test_sharing_a_person_gone_since_keeps_the_card(slack: SlackSender) -> None:
    click(slack, "share-gone", SHARE, value="424242")
    (answer,) = slack.answers("share-gone")
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert "find person 424242" in all_text(answer["blocks"])


def test_a_failed_refresh_is_answered_beside_the_card(
    slack: SlackSender, standins: StandIns
) -> None:
    standins.pipedrive.misbehave("/api/v2/persons/41", status=500, body={"success": False})
    click(slack, "refresh-failed", REFRESH, value="41")
    (answer,) = slack.answers("refresh-failed")
    assert answer["replace_original"] is False
    assert "unavailable" in all_text(answer["blocks"]).lower()


def test_the_open_button_is_only_acked(slack: SlackSender, standins: StandIns) -> None:
    before = len(standins.slack.calls)
    assert click(slack, "open", OPEN, value="1", url="https://acme.pipedrive.com/person/1") == 200
    assert standins.slack.responses("open") == []
    assert len(standins.slack.calls) == before


# -- a picture Slack cannot download -------------------------------------------------------


def image_urls(body: Any) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "image":
                found.append(value["image_url"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found


def test_an_answer_whose_picture_slack_refuses_comes_again_without_it(
    slack: SlackSender, standins: StandIns, app: AppProcess
) -> None:
    add_pictured_person(standins, 701, BROKEN_HOST)
    standins.slack.refused_image_hosts.add(BROKEN_HOST)
    slack.command("701", "refused-picture")
    first, second = slack.answers("refused-picture", count=2)
    assert image_urls(first["blocks"]) == [f"https://{BROKEN_HOST}/701_128.jpg"]
    assert image_urls(second["blocks"]) == []
    assert second["response_type"] == "ephemeral"
    assert "Pictured 701" in all_text(second["blocks"])
    wait_for(lambda: "sending it again without pictures" in app.log(), what="the log line")


def test_a_shared_card_whose_picture_slack_refuses_is_shared_without_it(
    slack: SlackSender, standins: StandIns
) -> None:
    add_pictured_person(standins, 702, BROKEN_HOST)
    standins.slack.refused_image_hosts.add(BROKEN_HOST)
    click(slack, "share-refused-picture", SHARE, value="702")
    refused, shared, removed = slack.answers("share-refused-picture", count=3)
    assert refused["response_type"] == shared["response_type"] == "in_channel"
    assert image_urls(refused["blocks"]) and not image_urls(shared["blocks"])
    assert "Shared by <@W111>" in all_text(shared["blocks"])
    assert removed == {"delete_original": True}


def test_an_unfurl_whose_picture_slack_refuses_comes_again_without_it(
    slack: SlackSender, standins: StandIns
) -> None:
    add_pictured_person(standins, 703, BROKEN_HOST)
    standins.slack.refused_image_hosts.add(BROKEN_HOST)
    url = "https://acme.pipedrive.com/person/703"
    slack.event(link_shared_event([url]))

    def unfurls() -> list[dict[str, Any]]:
        calls = standins.slack.calls_to("chat.unfurl")
        found = [call.body for call in calls if url in call.body.get("unfurls", {})]
        return found if len(found) >= 2 else []

    first, second = wait_for(unfurls, what="two chat.unfurl calls")
    assert image_urls(first["unfurls"]) and not image_urls(second["unfurls"])
    assert "Pictured 703" in all_text(second["unfurls"][url]["blocks"])
