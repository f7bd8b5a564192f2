"""The write modals: valid views for any person, ids and metadata as given, nothing injected."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import (
    DATE_BLOCK,
    DURATION_BLOCK,
    FOLLOW_UP_FORM,
    NOTE_BLOCK,
    NOTE_FORM,
    PERSON_BLOCK,
    SAVE_MESSAGE_FORM,
    SUBJECT_BLOCK,
    TIME_BLOCK,
    TYPE_BLOCK,
    expired_view,
    failure_view,
    follow_up_form,
    follow_up_scheduled_view,
    loading_view,
    note_added_view,
    note_form,
    person_options,
    save_message_form,
)
from blocks.modals import NOTE_MAX, duration_text, message_note
from bot.domain import Failure, FailureKind, NewActivity, Person, SearchHit
from tests.blockkit import assert_no_injection, assert_valid_view

WILL = Person(id=1, name="Will Smith", org_id=1234)
TYPES = {"deadline": "Deadline", "call": "Call", "meeting": "Meeting"}
HOSTILE = "<!channel> <@U123> <https://evil.example|click> & *bold*"


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


def checked(view: dict[str, Any], *hostile: str) -> str:
    assert_valid_view(view)
    assert_no_injection(view["blocks"], hostile)
    assert_no_injection([], hostile, text=view["title"]["text"])
    return json.dumps(view, ensure_ascii=False)


def test_the_note_form_carries_only_the_metadata_it_is_given() -> None:
    view = note_form(WILL, metadata="1.nonce", added_by="Jane Doe")
    assert (view["callback_id"], view["private_metadata"]) == (NOTE_FORM, "1.nonce")
    assert "Will Smith" in checked(view)
    note = inputs(view)[NOTE_BLOCK]["element"]
    assert note["multiline"] is True and note["max_length"] == NOTE_MAX
    assert "initial_value" not in note
    assert "added from Slack by Jane Doe" in json.dumps(view["blocks"][-1])


def test_without_attribution_the_note_form_promises_no_line() -> None:
    assert "added from Slack" not in checked(note_form(WILL, metadata="1.n"))


def test_the_follow_up_form_prefills_subject_type_and_date_and_asks_time_in_the_users_zone() -> (
    None
):
    view = follow_up_form(
        WILL, types=TYPES, due_date=date(2026, 1, 12), time_zone="America/New_York", metadata="m"
    )
    assert view["callback_id"] == FOLLOW_UP_FORM
    checked(view)
    found = inputs(view)
    assert list(found) == [SUBJECT_BLOCK, TYPE_BLOCK, DATE_BLOCK, TIME_BLOCK, DURATION_BLOCK]
    assert found[SUBJECT_BLOCK]["element"]["initial_value"] == "Follow up with Will Smith"
    assert found[TYPE_BLOCK]["element"]["initial_option"]["value"] == "call"
    assert [o["value"] for o in found[TYPE_BLOCK]["element"]["options"]] == list(TYPES)
    assert found[DATE_BLOCK]["element"]["initial_date"] == "2026-01-12"
    assert found[TIME_BLOCK]["optional"] is True
    assert "America/New_York" in found[TIME_BLOCK]["hint"]["text"]
    assert "initial_time" not in found[TIME_BLOCK]["element"]
    durations = found[DURATION_BLOCK]["element"]["options"]
    assert [(o["text"]["text"], o["value"]) for o in durations][2:5] == [
        ("45 min", "45"),
        ("1 h", "60"),
        ("1 h 30 min", "90"),
    ]


def test_without_a_call_type_the_first_type_is_chosen() -> None:
    view = follow_up_form(
        WILL, types={"lunch": "Lunch"}, due_date=date(2026, 1, 12), time_zone="UTC", metadata="m"
    )
    assert inputs(view)[TYPE_BLOCK]["element"]["initial_option"]["value"] == "lunch"


def test_the_save_form_preselects_the_person_and_prefills_the_message() -> None:
    hit = SearchHit(id=201, name="Jane Smith", organization_name="Org", primary_email="j@a.com")
    view = save_message_form(note="From Ann:\nhello", person=hit, metadata=".n")
    assert view["callback_id"] == SAVE_MESSAGE_FORM
    checked(view)
    picker = inputs(view)[PERSON_BLOCK]["element"]
    assert picker["type"] == "external_select" and picker["min_query_length"] == 2
    assert picker["initial_option"] == {
        "text": {"type": "plain_text", "text": "Jane Smith · Org · j@a.com", "emoji": True},
        "value": "201",
    }
    assert inputs(view)[NOTE_BLOCK]["element"]["initial_value"] == "From Ann:\nhello"
    no_one = save_message_form(note="x" * 5000, person=None, metadata=".n")
    assert "initial_option" not in inputs(no_one)[PERSON_BLOCK]["element"]
    assert len(inputs(no_one)[NOTE_BLOCK]["element"]["initial_value"]) == NOTE_MAX
    checked(no_one)


def test_person_options_carry_only_ids_and_escaped_clipped_names() -> None:
    hits = [SearchHit(id=i, name=HOSTILE * 5, primary_email=HOSTILE) for i in range(1, 150)]
    options = person_options(hits)
    assert len(options) == 100
    assert [option["value"] for option in options[:3]] == ["1", "2", "3"]
    for option in options:
        assert len(option["text"]["text"]) <= 75
        assert "<" not in option["text"]["text"]


def test_done_views_link_to_the_person_and_say_what_was_done() -> None:
    added = note_added_view(WILL, company_domain="acme")
    text = checked(added)
    assert "Added a note to *Will Smith*" in text
    assert "https://acme.pipedrive.com/person/1" in text
    timed = NewActivity(
        subject="Call <b>", type="call", person_id=1, due_date=date(2026, 1, 12), due_time=time(14)
    )
    scheduled = follow_up_scheduled_view(WILL, timed, type_name="Call", company_domain="acme")
    said = checked(scheduled, "Call <b>")
    assert "*Call &lt;b&gt;* (Call) with *Will Smith*" in said
    assert "<!date^1768226400^" in said  # 2026-01-12 14:00 UTC, shown in each reader's zone
    all_day = timed.model_copy(update={"due_time": None})
    said = checked(follow_up_scheduled_view(WILL, all_day, type_name=None, company_domain="acme"))
    assert "Mon 12 Jan 2026" in said and "<!date" not in said and "(call)" in said


def test_failure_loading_and_expired_views_are_valid() -> None:
    for kind in FailureKind:
        checked(failure_view(NOTE_FORM, Failure(kind, person_id=1, reference="r")))
    checked(loading_view(FOLLOW_UP_FORM))
    assert "Nothing was saved" in checked(expired_view(SAVE_MESSAGE_FORM))
    assert "Nothing was saved" in checked(expired_view("not-a-form"))


def test_a_message_draft_names_author_time_text_and_link() -> None:
    assert message_note(
        author="Ann", posted="Mon 12 Jan 2026 09:00 EST", text=" hi\n", link="https://x/p1"
    ) == ("Ann in Slack, Mon 12 Jan 2026 09:00 EST:\nhi\nhttps://x/p1")
    assert message_note(author="Ann", posted="now", text="", link=None) == "Ann in Slack, now:"


def test_durations_read_as_people_say_them() -> None:
    assert [duration_text(m) for m in (15, 60, 90, 120)] == ["15 min", "1 h", "1 h 30 min", "2 h"]


hostile_text = st.text(min_size=0, max_size=400) | st.sampled_from([HOSTILE, "&amp;", "<>" * 200])
persons = st.builds(
    Person,
    id=st.integers(1, 2**53 - 1),
    name=st.none() | hostile_text,
    first_name=st.none() | hostile_text,
)


@settings(max_examples=100, deadline=None)
@given(persons, st.dictionaries(hostile_text, hostile_text, max_size=120), hostile_text)
def test_any_person_and_types_give_valid_forms(
    person: Person, types: dict[str, str], tz: str
) -> None:
    types = {key: name for key, name in types.items() if key.strip() and name.strip()}
    for view in (
        note_form(person, metadata="1.n", added_by=person.name),
        follow_up_form(person, types=types, due_date=date(2026, 1, 1), time_zone=tz, metadata="m"),
        note_added_view(person, company_domain="acme"),
    ):
        checked(view, HOSTILE)
