"""Pasted links as Slack Work Objects, through the real process (UNFURL_STYLE=work_object, the
default): the entity each unfurl rule produces, the fallback to Block Kit when Slack will not
take the metadata, and the details pane each viewer asks for."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    composer_event,
    link_shared_event,
    wait_for,
)

PERSON = "https://acme.pipedrive.com/person/1"
# The seed person's own email and phone (person-1.json).
CONTACT = re.compile(r"12345@email\.com|mailto:|tel:|\b12345\b|\b54321\b")


def sender(start_app: Callable[..., AppProcess], standins: StandIns, **env: str) -> SlackSender:
    app = start_app(PERSON_CACHE_TTL="0", UNFURL_STYLE="work_object", **env)
    return SlackSender(app.url, standins.slack)


def next_unfurl(standins: StandIns, send: Callable[[], object]) -> dict[str, Any]:
    before = len(standins.slack.calls_to("chat.unfurl"))
    send()
    calls = wait_for(
        lambda: standins.slack.calls_to("chat.unfurl")[before:], what="a chat.unfurl call"
    )
    return calls[0].body


def entity(body: dict[str, Any]) -> dict[str, Any]:
    (found,) = body["metadata"]["entities"]
    assert isinstance(found, dict)
    return found


def field_labels(item: dict[str, Any]) -> list[str]:
    return [str(field["label"]) for field in item["entity_payload"]["custom_fields"]]


def test_a_full_unfurl_is_an_item_entity_with_the_persons_details(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    url = PERSON + "/?tab=activities"
    body = next_unfurl(standins, lambda: slack.event(link_shared_event([url], channel="CINT00001")))
    item = entity(body)
    assert "unfurls" not in body
    assert item["entity_type"] == "slack#/entities/item"
    assert item["app_unfurl_url"] == url  # exactly as shared
    assert item["url"] == PERSON
    assert item["external_ref"] == {"id": "1", "type": "person"}
    attributes = item["entity_payload"]["attributes"]
    assert attributes["title"]["text"] == "Will Smith"
    assert attributes["product_name"] == "Pipedrive"
    assert {"Owner", "Organization", "Email"} <= set(field_labels(item))


def test_a_compact_unfurl_in_slack_connect_carries_no_contact_anywhere(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    standins.slack.external_channels.add("CEXTWO001")
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    event = link_shared_event([PERSON], channel="CEXTWO001")
    body = next_unfurl(standins, lambda: slack.event(event))
    item = entity(body)
    assert set(field_labels(item)) <= {"Owner", "Organization"}
    assert not CONTACT.search(json.dumps(body["metadata"]))


def test_a_composer_link_unfurls_by_unfurl_id_and_source(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    body = next_unfurl(standins, lambda: slack.event(composer_event([PERSON])))
    assert body["source"] == "composer" and body["unfurl_id"]
    assert not CONTACT.search(json.dumps(body["metadata"]))  # the composer counts as shared


@pytest.mark.parametrize(
    "answer",
    [
        {"ok": False, "error": "invalid_metadata_format"},
        {"ok": False, "error": "error_processing_metadata"},
        {"ok": False, "error": "metadata_too_large"},
        {
            "ok": True,
            "warning": "invalid_metadata_format",
            "response_metadata": {"messages": ["missing required field: alt_text"]},
        },
    ],
    ids=["invalid", "processing", "too-large", "ok-with-warning"],
)
def test_metadata_slack_will_not_take_is_sent_again_as_block_kit(
    start_app: Callable[..., AppProcess], standins: StandIns, answer: dict[str, Any]
) -> None:
    standins.slack.metadata_answer = answer
    slack = sender(start_app, standins)
    before = len(standins.slack.calls_to("chat.unfurl"))
    slack.event(link_shared_event([PERSON], channel="CINT00002"))
    calls = wait_for(
        lambda: standins.slack.calls_to("chat.unfurl")[before:][1:], what="the Block Kit retry"
    )
    first, second = standins.slack.calls_to("chat.unfurl")[before : before + 2]
    assert "metadata" in first.body and "metadata" not in second.body
    assert list(second.body["unfurls"]) == [PERSON]
    assert calls


# -- the details pane ---------------------------------------------------------------------


def details_requested(viewer: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "entity_details_requested",
        "user": viewer,
        "external_ref": {"id": "1", "type": "person"},
        "entity_url": PERSON,
        "app_unfurl_url": PERSON,
        "trigger_id": f"{time.monotonic_ns()}.1.abc",
        "channel": "C0CHANNEL1",
        "message_ts": "1755035323.759739",
    }
    event.update(changes)
    return {key: value for key, value in event.items() if value is not None}


def presented(standins: StandIns, slack: SlackSender, event: dict[str, Any]) -> dict[str, Any]:
    trigger = event["trigger_id"]
    slack.event(event)
    call = wait_for(
        lambda: [
            c
            for c in standins.slack.calls_to("entity.presentDetails")
            if c.body.get("trigger_id") == trigger
        ],
        what="entity.presentDetails",
    )[0]
    return call.body


def test_a_viewer_gets_the_full_details_even_where_the_preview_is_compact(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins)  # compact previews by default
    body = presented(standins, slack, details_requested("U0VIEWER01"))
    labels = field_labels(body["metadata"])
    assert any(label.startswith("Email") for label in labels)
    assert "error" not in body


def test_a_missing_external_ref_is_read_from_the_entity_url(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins)
    event = details_requested("U0VIEWER02", external_ref=None)
    body = presented(standins, slack, event)
    assert body["metadata"]["external_ref"] == {"id": "1", "type": "person"}


def test_a_guest_viewer_is_restricted_with_one_shared_token(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    standins.slack.guests.add("U0GUESTWO1")
    slack = sender(start_app, standins)
    body = presented(standins, slack, details_requested("U0GUESTWO1"))
    assert body["error"]["status"] == "restricted"
    assert "metadata" not in body


def test_a_person_pipedrive_cannot_find_is_not_found(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins)
    event = details_requested("U0VIEWER03", external_ref={"id": "999", "type": "person"})
    assert presented(standins, slack, event)["error"]["status"] == "not_found"


def test_a_deleted_person_is_shown_and_says_so(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    record = standins.pipedrive.records["/api/v2/persons/95"]["data"]
    record["is_deleted"] = True
    try:
        slack = sender(start_app, standins)
        event = details_requested("U0VIEWER04", external_ref={"id": "95", "type": "person"})
        title = presented(standins, slack, event)["metadata"]["entity_payload"]["attributes"]
        assert title["title"]["text"].endswith("(deleted)")
    finally:
        record["is_deleted"] = False


def test_a_pipedrive_outage_is_a_timeout_with_a_short_message(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    standins.pipedrive.misbehave("/api/v2/persons/*", status=503, body={"success": False})
    slack = sender(start_app, standins)
    event = details_requested("U0VIEWER05", external_ref={"id": "96", "type": "person"})
    error = presented(standins, slack, event)["error"]
    assert error["status"] == "timeout"
