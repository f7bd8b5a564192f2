"""How much an unfurl shows, through the real app process: UNFURL_DETAIL, UNFURL_EXTERNAL,
UNFURL_CHANNELS, Slack Connect channels, channels Slack will not describe, the composer.

Done when: with UNFURL_DETAIL=compact, or in a channel shared with another organization, no
unfurl carries an email address or a phone number.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest

from devkit.harness import (
    AppProcess,
    SlackSender,
    StandIns,
    all_text,
    app_environment,
    composer_event,
    link_shared_event,
    run_bot,
    wait_for,
)

_ids = itertools.count(81)  # persons no other test reads (see conftest.py)


def next_person() -> int:
    """A person no other unfurl test uses, so each test finds its own chat.unfurl call."""
    return next(_ids)


def unfurl_of(standins: StandIns, url: str) -> list[dict[str, Any]]:
    """The blocks of the (one) chat.unfurl call for `url`."""

    def find() -> list[dict[str, Any]] | None:
        for call in standins.slack.calls_to("chat.unfurl"):
            if url in call.body.get("unfurls", {}):
                blocks: list[dict[str, Any]] = call.body["unfurls"][url]["blocks"]
                return blocks
        return None

    return wait_for(find, what=f"chat.unfurl for {url}")


def contacts(standins: StandIns, person_id: int) -> list[str]:
    """The person's email addresses and phone numbers as Pipedrive holds them."""
    data = standins.pipedrive.records[f"/api/v2/persons/{person_id}"]["data"]
    return [item["value"] for item in (*data["emails"], *data["phones"])]


def assert_no_contact_details(blocks: list[dict[str, Any]], values: list[str]) -> None:
    said = all_text(blocks)
    assert "mailto:" not in said and "tel:" not in said
    for value in values:
        # As stored, and as a link would dial it.
        for form in {value, value.replace(" ", ""), re.sub(r"[^0-9+]", "", value)} - {""}:
            assert form not in said, value
    assert "*Email*" not in said and "*Phone*" not in said


def assert_compact(blocks: list[dict[str, Any]], standins: StandIns, person_id: int) -> None:
    said = all_text(blocks)
    for expected in (f"Will Smith {person_id}", "Jane Doe", "Org Name", "image_url"):
        assert expected in said, expected
    assert f"https://acme.pipedrive.com/person/{person_id}" in said
    for absent in ("Details", "Next activity", "Deals", "Mustamäe"):
        assert absent not in said, absent
    assert_no_contact_details(blocks, contacts(standins, person_id))


def assert_full(blocks: list[dict[str, Any]], standins: StandIns, person_id: int) -> None:
    said = all_text(blocks)
    assert "<mailto:12345@email.com|12345@email.com>" in said
    assert "*Details*" in said and "*Next activity*" in said
    assert contacts(standins, person_id)[0] in said


def lookups(standins: StandIns) -> list[str]:
    return [str(call.body.get("channel")) for call in standins.slack.calls_to("conversations.info")]


def unfurl_calls(standins: StandIns) -> int:
    return sum(
        1 for call in standins.slack.calls if call.method in ("chat.unfurl", "conversations.info")
    )


def sender(start_app: Callable[..., AppProcess], standins: StandIns, **env: str) -> SlackSender:
    return SlackSender(start_app(PERSON_CACHE_TTL="0", **env).url, standins.slack)


def wait_for_outcome(app: AppProcess, outcome: str, count: int = 1) -> None:
    wait_for(
        lambda: app.log().count(f"name=link_shared outcome={outcome}") >= count,
        what=f"a link_shared log line with outcome={outcome}",
    )


# -- UNFURL_DETAIL ------------------------------------------------------------------------


def test_compact_unfurls_carry_no_email_or_phone(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="compact")
    person = next_person()
    url = f"https://acme.pipedrive.com/person/{person}"
    slack.event(link_shared_event([url], channel="CINTERNAL1"))
    assert_compact(unfurl_of(standins, url), standins, person)
    assert "CINTERNAL1" not in lookups(standins)  # compact either way: no need to ask


def test_unfurls_are_compact_by_default_with_no_email_or_phone(
    slack: SlackSender, standins: StandIns
) -> None:
    person = next_person()
    url = f"https://acme.pipedrive.com/person/{person}"
    slack.event(link_shared_event([url], channel="CINTERNAL3", is_bot_user_member=True))
    assert_compact(unfurl_of(standins, url), standins, person)
    assert "CINTERNAL3" not in lookups(standins)


def test_a_public_channel_the_app_is_not_in_unfurls_like_any_other(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    # Slack sends link_shared from conversations the app is not a member of too
    # (is_bot_user_member: false); the same settings apply there, looked up the same way.
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    standins.slack.external_channels.add("CSHARED03")
    inside, outside = next_person(), next_person()
    for person, channel in ((inside, "CNOTMEMBER1"), (outside, "CSHARED03")):
        url = f"https://acme.pipedrive.com/person/{person}"
        slack.event(link_shared_event([url], channel=channel, is_bot_user_member=False))
    assert_full(
        unfurl_of(standins, f"https://acme.pipedrive.com/person/{inside}"), standins, inside
    )
    assert_compact(
        unfurl_of(standins, f"https://acme.pipedrive.com/person/{outside}"), standins, outside
    )


def test_a_direct_message_unfurls_compact_even_with_full_detail(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    # The app cannot tell whether the other side of a DM is external: conversations.info
    # fails for a DM the app is not in, and Slack's IM object has no is_ext_shared.
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    standins.slack.unknown_channels.add("D0DMNOTIN1")
    standins.slack.im_channels.add("D0DMKNOWN1")
    for channel in ("D0DMNOTIN1", "D0DMKNOWN1"):
        person = next_person()
        url = f"https://acme.pipedrive.com/person/{person}"
        slack.event(link_shared_event([url], channel=channel, is_bot_user_member=False))
        assert_compact(unfurl_of(standins, url), standins, person)
        assert channel in lookups(standins)


def test_full_unfurls_in_an_internal_channel_show_the_whole_card(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    person = next_person()
    url = f"https://acme.pipedrive.com/person/{person}"
    slack.event(link_shared_event([url], channel="CINTERNAL2"))
    assert_full(unfurl_of(standins, url), standins, person)
    assert lookups(standins).count("CINTERNAL2") == 1


def test_off_unfurls_nothing_and_asks_no_one(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(PERSON_CACHE_TTL="0", UNFURL_DETAIL="off")
    slack = SlackSender(app.url, standins.slack)
    pipedrive, slack_calls = standins.pipedrive.count(), unfurl_calls(standins)
    slack.event(link_shared_event(["https://acme.pipedrive.com/person/1"], channel="CEXTOFF1"))
    slack.event(composer_event(["https://acme.pipedrive.com/person/1"]))
    wait_for_outcome(app, "unfurls_off", count=2)
    assert standins.pipedrive.count() == pipedrive
    assert unfurl_calls(standins) == slack_calls


# -- channels shared with another organization ------------------------------------------


def test_a_slack_connect_channel_gets_compact_unfurls_asked_about_once(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    standins.slack.external_channels.add("CSHARED01")
    first, second = next_person(), next_person()
    for person in (first, second):
        url = f"https://acme.pipedrive.com/person/{person}"
        slack.event(link_shared_event([url], channel="CSHARED01"))
        assert_compact(unfurl_of(standins, url), standins, person)
    assert lookups(standins).count("CSHARED01") == 1  # kept for 10 minutes


def test_a_channel_slack_will_not_describe_gets_compact_unfurls(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    standins.slack.unknown_channels.add("GUNKNOWN1")
    person = next_person()
    url = f"https://acme.pipedrive.com/person/{person}"
    slack.event(link_shared_event([url], channel="GUNKNOWN1"))
    assert_compact(unfurl_of(standins, url), standins, person)


def test_links_in_the_composer_get_compact_unfurls_without_a_lookup(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full")
    person = next_person()
    url = f"https://acme.pipedrive.com/person/{person}"
    before = len(lookups(standins))
    slack.event(composer_event([url]))
    assert_compact(unfurl_of(standins, url), standins, person)
    assert len(lookups(standins)) == before


def test_unfurl_external_full_shows_the_whole_card_everywhere_without_lookups(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    slack = sender(start_app, standins, UNFURL_DETAIL="full", UNFURL_EXTERNAL="full")
    standins.slack.external_channels.add("CSHARED02")
    before = len(lookups(standins))
    for event in (
        lambda url: link_shared_event([url], channel="CSHARED02"),
        lambda url: composer_event([url]),
    ):
        person = next_person()
        url = f"https://acme.pipedrive.com/person/{person}"
        slack.event(event(url))
        assert_full(unfurl_of(standins, url), standins, person)
    assert len(lookups(standins)) == before


# -- UNFURL_CHANNELS ----------------------------------------------------------------------


def test_only_the_allowed_channels_unfurl(
    start_app: Callable[..., AppProcess], standins: StandIns
) -> None:
    app = start_app(
        PERSON_CACHE_TTL="0", UNFURL_DETAIL="full", UNFURL_CHANNELS="CALLOWED1, CALLOWED2"
    )
    slack = SlackSender(app.url, standins.slack)
    standins.slack.external_channels.add("CALLOWED2")
    allowed, shared = next_person(), next_person()
    for person, channel in ((allowed, "CALLOWED1"), (shared, "CALLOWED2")):
        slack.event(
            link_shared_event([f"https://acme.pipedrive.com/person/{person}"], channel=channel)
        )
    assert_full(
        unfurl_of(standins, f"https://acme.pipedrive.com/person/{allowed}"), standins, allowed
    )
    assert_compact(
        unfurl_of(standins, f"https://acme.pipedrive.com/person/{shared}"), standins, shared
    )
    pipedrive, lookups_before = standins.pipedrive.count(), len(lookups(standins))
    elsewhere = "https://acme.pipedrive.com/person/1"
    slack.event(link_shared_event([elsewhere], channel="CELSEWHERE"))
    slack.event(composer_event([elsewhere]))
    wait_for_outcome(app, "unfurls_off", count=2)
    assert standins.pipedrive.count() == pipedrive
    assert len(lookups(standins)) == lookups_before


# -- start-up -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"UNFURL_DETAIL": "minimal"}, "UNFURL_DETAIL"),
        ({"UNFURL_EXTERNAL": "off"}, "UNFURL_EXTERNAL"),
        ({"UNFURL_CHANNELS": "#sales"}, "UNFURL_CHANNELS"),
    ],
)
def test_a_wrong_unfurl_setting_stops_the_start(
    standins: StandIns, env: dict[str, str], name: str
) -> None:
    done = run_bot(env=app_environment(standins, **env))
    assert done.returncode == 2
    assert f"error: {name} is invalid" in done.stderr
