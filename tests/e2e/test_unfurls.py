"""`link_shared` through the real app process: one `chat.unfurl` per event, keyed by URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    composer_event,
    link_shared_event,
    wait_for,
)


def unfurl_for(standins: StandIns, marker: str) -> dict[str, Any]:
    """The body of the chat.unfurl call whose unfurls mention `marker` (a URL we sent)."""

    def find() -> dict[str, Any] | None:
        for call in standins.slack.calls_to("chat.unfurl"):
            if any(marker in url for url in call.body.get("unfurls", {})):
                return call.body
        return None

    return wait_for(find, what=f"chat.unfurl for {marker}")


def test_a_pasted_person_link_unfurls_into_the_card(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = SlackSender(start_app(PERSON_CACHE_TTL="0", UNFURL_DETAIL="full").url, standins.slack)
    url = "https://acme.pipedrive.com/person/2"
    event = link_shared_event([url])
    assert slack.event(event).status_code == 200
    body = unfurl_for(standins, url)
    # The documented event carries unfurl_id and source: they name the message to unfurl.
    assert body["unfurl_id"] == event["unfurl_id"]
    assert body["source"] == "conversations_history"
    assert set(body["unfurls"]) == {url}
    card = all_text(body["unfurls"][url]["blocks"])
    assert "Will Smith 2" in card
    assert "<mailto:12345@email.com|12345@email.com>" in card


def test_an_event_without_unfurl_id_unfurls_by_channel_and_ts(
    slack: SlackSender, standins: StandIns
) -> None:
    url = "https://acme.pipedrive.com/person/3"
    event = link_shared_event([url])
    del event["unfurl_id"], event["source"]
    slack.event(event)
    body = unfurl_for(standins, url)
    assert body["channel"] == "C123ABC456"
    assert body["ts"] == "123456789.9875"
    assert "unfurl_id" not in body and "source" not in body


def test_links_typed_in_the_composer_unfurl_by_unfurl_id(
    slack: SlackSender, standins: StandIns
) -> None:
    url = "https://acme.pipedrive.com/person/4"
    event = composer_event([url])
    assert event["channel"] == "COMPOSER"
    slack.event(event)
    body = unfurl_for(standins, url)
    assert body["source"] == "composer"
    assert body["unfurl_id"] == event["unfurl_id"]
    assert "channel" not in body


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.pipedrive.com/person/5/",
        "https://acme.pipedrive.com/person/6?tab=deals",
        "https://acme.pipedrive.com/person/7#activities",
        "https://app.pipedrive.com/person/8",
        "https://ACME.pipedrive.com/person/9",
    ],
)
def test_every_person_link_form_unfurls_keyed_exactly_as_received(
    slack: SlackSender, standins: StandIns, url: str
) -> None:
    slack.event(link_shared_event([url]))
    body = unfurl_for(standins, url)
    assert list(body["unfurls"]) == [url]


def test_foreign_links_are_ignored_without_a_pipedrive_call(
    slack: SlackSender, standins: StandIns
) -> None:
    ignored = [
        "https://other.pipedrive.com/person/10",  # another company: a different person 10
        "https://acme.pipedrive.com/deal/10",
        "https://acme.pipedrive.com/pipeline/1",
        "https://acme.pipedrive.com.evil.example/person/10",
        "https://example.com/person/10",
        "https://acme.pipedrive.com/person/abc",
    ]
    marker = "https://acme.pipedrive.com/person/11"
    before = standins.pipedrive.count("/api/v2/persons/10")
    slack.event(link_shared_event([*ignored, marker]))
    body = unfurl_for(standins, marker)
    assert list(body["unfurls"]) == [marker]
    assert standins.pipedrive.count("/api/v2/persons/10") == before


def test_a_missing_person_is_skipped_and_the_others_unfurl(
    slack: SlackSender, standins: StandIns
) -> None:
    found = ["https://acme.pipedrive.com/person/12", "https://acme.pipedrive.com/person/13"]
    missing = "https://acme.pipedrive.com/person/999999"
    slack.event(link_shared_event([found[0], missing, found[1]]))
    body = unfurl_for(standins, found[0])
    assert sorted(body["unfurls"]) == sorted(found)


def test_at_most_five_person_links_unfurl_per_message(
    slack: SlackSender, standins: StandIns
) -> None:
    urls = [f"https://acme.pipedrive.com/person/{n}" for n in range(20, 28)]
    slack.event(link_shared_event(urls))
    body = unfurl_for(standins, urls[0])
    assert list(body["unfurls"]) == urls[:5]


def test_an_event_whose_people_all_fail_sends_no_unfurl(
    slack: SlackSender, standins: StandIns
) -> None:
    before = len(standins.slack.calls_to("chat.unfurl"))
    standins.pipedrive.misbehave("/api/v2/persons/30", status=500)
    slack.event(link_shared_event(["https://acme.pipedrive.com/person/30"]))
    wait_for(lambda: standins.pipedrive.answered_count("/api/v2/persons/30"), what="the read")
    # The next event's unfurl arriving proves the first one was finished without a call.
    marker = "https://acme.pipedrive.com/person/31"
    slack.event(link_shared_event([marker]))
    unfurl_for(standins, marker)
    calls = standins.slack.calls_to("chat.unfurl")[before:]
    assert [list(call.body["unfurls"]) for call in calls] == [[marker]]
