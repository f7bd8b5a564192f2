"""`link_shared` in-process: one `chat.unfurl` per event, however often Slack delivers it."""

from __future__ import annotations

from typing import Any

from devkit import SlackStandIn
from tests.slack.listeners.conftest import USER, Dispatch


def link_shared(*urls: str) -> dict[str, Any]:
    return {
        "type": "link_shared",
        "channel": "C0CHANNEL1",
        "user": USER,
        "message_ts": "1700000000.000100",
        "links": [{"domain": "pipedrive.com", "url": url} for url in urls],
    }


async def test_a_person_link_is_unfurled_by_its_url(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    url = "https://acme.pipedrive.com/person/1?tab=notes"
    await dispatch.event(link_shared(url, "https://example.com/x"), event_id="EvUNFURL1")
    (call,) = slack.calls_to("chat.unfurl")
    assert list(call.body["unfurls"]) == [url]
    assert call.body["channel"] == "C0CHANNEL1" and call.body["ts"] == "1700000000.000100"


async def test_slack_redelivering_an_event_unfurls_it_once(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    event = link_shared("https://acme.pipedrive.com/person/1")
    await dispatch.event(event, event_id="EvRETRIED1")
    await dispatch.event(event, event_id="EvRETRIED1", retry_num=1)
    await dispatch.event(event, event_id="EvRETRIED1", retry_num=2)
    assert len(slack.calls_to("chat.unfurl")) == 1


async def test_a_person_that_cannot_be_read_is_left_out(
    dispatch: Dispatch, slack: SlackStandIn
) -> None:
    found, missing = "https://acme.pipedrive.com/person/1", "https://acme.pipedrive.com/person/999"
    await dispatch.event(link_shared(found, missing), event_id="EvPARTIAL1")
    (call,) = slack.calls_to("chat.unfurl")
    assert list(call.body["unfurls"]) == [found]
