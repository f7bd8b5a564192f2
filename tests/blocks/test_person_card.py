from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import person_card, person_card_text, person_url
from blocks.text import BIDI_CONTROLS
from bot.domain import (
    Activity,
    Contact,
    DealCounts,
    Organization,
    Person,
    Picture,
    User,
)
from tests.blockkit import assert_no_injection, assert_valid_blocks
from tests.blocks.seed import card_of, seed_person

DOMAIN = "acme"
HOSTILE = [
    "<!channel>",
    "<!here|here>",
    "<https://evil.example|click>",
    "&<>",
    "<@U123>",
    "*bold* _it_ ~st~ `code`",
    "&amp; &lt;",
    "Will \u202emoc.live@nhoj\u202e Smith \u2067x\u2069",  # bidi controls: a spoofed address
]
HOSTILE_TEXT = " ".join(HOSTILE)
# Before the seed person's next activity (29 Nov 2019), so that it is not overdue.
NOW = datetime(2019, 11, 1, tzinfo=UTC)


def card(person: Person) -> list[dict[str, Any]]:
    """The card, checked as every test's card is: valid Block Kit, nothing injected."""
    blocks = person_card(person, company_domain=DOMAIN, now=NOW)
    assert_valid_blocks(blocks)
    assert_no_injection(blocks, HOSTILE, text=person_card_text(person))
    return blocks


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every text in the blocks, one per line."""
    found: list[str] = []
    for block in blocks:
        for key in ("text", "accessory"):
            if key in block:
                found.append(str(block[key].get("text", block[key].get("alt_text", ""))))
        found.extend(item["text"] for item in block.get("fields", []))
        found.extend(str(item.get("text", "")) for item in block.get("elements", []))
    return "\n".join(found)


def field(blocks: list[dict[str, Any]], label: str) -> str | None:
    for block in blocks:
        for item in block.get("fields", []):
            if item["text"].startswith(f"*{label}*\n"):
                return str(item["text"]).removeprefix(f"*{label}*\n")
    return None


def header(blocks: list[dict[str, Any]]) -> str:
    assert blocks[0]["type"] == "header"
    return str(blocks[0]["text"]["text"])


def test_seed_person_card_shows_the_person() -> None:
    blocks = card(seed_person())
    assert header(blocks) == "Will Smith"
    assert field(blocks, "Email") == "<mailto:12345@email.com|12345@email.com> (work)"
    assert field(blocks, "Phone") == "<tel:12345|12345> (work)"
    assert field(blocks, "Owner") == "Jane Doe"
    assert field(blocks, "Organization") == (
        "<https://acme.pipedrive.com/organization/1234|Org Name>\nMustamäe tee 3a, 10615 Tallinn"
    )
    assert field(blocks, "Next activity") == (
        "Call about the renewal (Call)\n"
        "<!date^1575027000^{date_short_pretty} at {time}|Fri 29 Nov 2019 11:30 UTC>"
    )
    assert field(blocks, "Last activity") == "Thu 28 Nov 2019"
    assert field(blocks, "Deals") == "2 open · 3 won · 1 lost"


def test_seed_person_card_has_photo_button_and_update_time() -> None:
    blocks = card(seed_person())
    photo = blocks[1]["accessory"]
    assert photo["image_url"].endswith("_128.jpg")
    assert photo["alt_text"] == "Photo of Will Smith"
    assert blocks[2] == {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open in Pipedrive", "emoji": True},
                "action_id": "open_in_pipedrive",
                "url": "https://acme.pipedrive.com/person/1",
                "value": "1",
            }
        ],
    }
    footer = blocks[3]["elements"][0]["text"]
    assert footer.startswith("Updated <!date^1588915820^")
    assert "Added <!date^1508332987^" in footer


def test_seed_person_card_text() -> None:
    assert person_card_text(seed_person()) == "Will Smith · Org Name"


def test_person_url() -> None:
    assert person_url("acme", 123) == "https://acme.pipedrive.com/person/123"


def test_sparse_person_has_a_header_and_a_button() -> None:
    blocks = card(card_of(id=7))
    assert header(blocks) == "Person 7"
    assert [block["type"] for block in blocks] == ["header", "actions"]
    assert person_card_text(card_of(id=7)) == "Person 7"


def test_blank_strings_count_as_missing() -> None:
    person = card_of(
        id=7,
        name=" \n ",
        job_title="\t",
        emails=(Contact(value="  ", label=" "),),
        owner=User(id=3, name=" ", email=""),
        organization=Organization(id=4, name="", address="  "),
    )
    blocks = card(person)
    assert header(blocks) == "Person 7"
    assert field(blocks, "Email") is None
    assert field(blocks, "Owner") == "User 3"
    assert (
        field(blocks, "Organization")
        == "<https://acme.pipedrive.com/organization/4|Organization 4>"
    )


def test_first_and_last_name_stand_in_for_a_missing_name() -> None:
    assert header(card(card_of(id=7, first_name="Will", last_name="Smith"))) == "Will Smith"


def test_ids_stand_in_for_owner_and_organization_not_fetched() -> None:
    blocks = card(card_of(id=7, owner=User(id=123), organization=Organization(id=1234)))
    assert field(blocks, "Owner") == "User 123"
    assert field(blocks, "Organization") == (
        "<https://acme.pipedrive.com/organization/1234|Organization 1234>"
    )


def test_owner_email_stands_in_for_a_missing_owner_name() -> None:
    blocks = card(card_of(id=7, owner=User(id=3, email="jane@pipedrive.com")))
    assert field(blocks, "Owner") == "jane@pipedrive.com"


def test_deleted_person_is_marked() -> None:
    person = seed_person(**{"is_deleted": True})
    blocks = card(person)
    assert header(blocks) == "Will Smith (deleted)"
    assert "deleted in Pipedrive" in blocks[1]["elements"][0]["text"]
    assert person_card_text(person) == "Will Smith (deleted) · Org Name"


def test_primary_contacts_come_first_then_the_original_order() -> None:
    emails = (
        Contact(value="a@x.io", label="home"),
        Contact(value="b@x.io", primary=True),
        Contact(value="c@x.io", label="other"),
    )
    assert field(card(card_of(id=7, emails=emails)), "Email") == (
        "<mailto:b@x.io|b@x.io>\n<mailto:a@x.io|a@x.io> (home)\n<mailto:c@x.io|c@x.io> (other)"
    )


def test_values_that_cannot_be_links_are_plain_text() -> None:
    person = card_of(
        id=7, emails=(Contact(value="not an <address>"),), phones=(Contact(value="n/a"),)
    )
    blocks = card(person)
    assert field(blocks, "Email") == "not an &lt;address&gt;"
    assert field(blocks, "Phone") == "n/a"


def test_hundreds_of_contacts_end_in_how_many_more() -> None:
    person = card_of(
        id=7,
        emails=tuple(Contact(value=f"user{i}@example.com", label="work") for i in range(200)),
        phones=tuple(Contact(value=f"+372 555 {i:04}") for i in range(200)),
    )
    blocks = card(person)
    emails = field(blocks, "Email")
    phones = field(blocks, "Phone")
    assert emails is not None and phones is not None
    assert emails.splitlines()[0] == "<mailto:user0@example.com|user0@example.com> (work)"
    assert emails.endswith("\n+195 more")
    assert phones.endswith("\n+195 more")


def test_huge_contacts_still_fit_their_field() -> None:
    huge = "&" * 240 + "@example.com"
    person = card_of(id=7, emails=tuple(Contact(value=huge, label="<" * 500) for _ in range(20)))
    emails = field(card(person), "Email")
    assert emails is not None and emails.endswith("more")


def test_a_five_thousand_character_name_is_clipped_everywhere() -> None:
    person = seed_person(**{"name": "W" * 5000, "is_deleted": True})
    blocks = card(person)
    assert header(blocks) == "W" * 139 + "…" + " (deleted)"
    assert len(blocks[2]["accessory"]["alt_text"]) <= 2000  # after header and deleted notice
    assert len(person_card_text(person)) < 200


def test_hostile_text_in_every_string_field_stays_text() -> None:
    hostile_contact = Contact(value=HOSTILE_TEXT, label=HOSTILE_TEXT, primary=True)
    person = card_of(
        id=7,
        name=HOSTILE_TEXT,
        first_name=HOSTILE_TEXT,
        last_name=HOSTILE_TEXT,
        job_title=HOSTILE_TEXT,
        emails=(hostile_contact, Contact(value=f"{HOSTILE_TEXT}@x.io")),
        phones=(hostile_contact, Contact(value=f"1 {HOSTILE_TEXT}")),
        owner=User(id=3, name=HOSTILE_TEXT, email=HOSTILE_TEXT),
        organization=Organization(id=4, name=HOSTILE_TEXT, address=HOSTILE_TEXT),
        picture=Picture(urls={128: "https://evil.example/a.png|<!channel>"}),
        next_activity=Activity(
            id=5,
            subject=HOSTILE_TEXT,
            type=HOSTILE_TEXT,
            type_name=HOSTILE_TEXT,
            due_date=date(2019, 11, 29),
        ),
        marketing_status=HOSTILE_TEXT,
        custom_fields={"a" * 40: HOSTILE_TEXT},
    )
    blocks = card(person)
    assert header(blocks).startswith("&lt;!channel&gt; &lt;!here|here&gt;")
    assert "&lt;@U123&gt;" in texts(blocks)
    assert "accessory" not in blocks[1]


def test_a_right_to_left_override_cannot_spoof_the_card() -> None:
    spoof = "Will \u202emoc.live@nhoj\u202e Smith"
    contact = Contact(value=f"{spoof}@x.io", label=spoof, primary=True)
    person = card_of(
        id=7,
        name=spoof,
        emails=(contact,),
        phones=(Contact(value="+372 \u202e555", label=spoof),),
        organization=Organization(id=4, name=spoof),
        custom_fields={"a" * 40: spoof},
    )
    blocks = card(person)
    assert header(blocks) == "Will moc.live@nhoj Smith"
    assert not BIDI_CONTROLS & set(all_strings(blocks))
    assert not BIDI_CONTROLS & set(person_card_text(person))


def all_strings(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_an_all_day_activity_shows_its_date_unshifted() -> None:
    activity = Activity(id=5, subject="Conference", due_date=date(2019, 11, 29))
    blocks = card(card_of(id=7, next_activity=activity))
    assert field(blocks, "Next activity") == "Conference\nFri 29 Nov 2019"


def test_a_timed_activity_is_shown_in_each_readers_time_zone() -> None:
    activity = Activity(id=5, due_date=date(2019, 11, 29), due_time=time(23, 30))
    due = field(card(card_of(id=7, next_activity=activity)), "Next activity")
    assert due == (
        "Activity 5\n<!date^1575070200^{date_short_pretty} at {time}|Fri 29 Nov 2019 23:30 UTC>"
    )


def test_a_picture_needs_an_https_url() -> None:
    for url in (
        "http://x.io/a.png",
        "javascript:alert(1)",
        "https:///a.png",
        "https://x.io/" + "a" * 3000,
    ):
        assert (
            "accessory"
            not in card(card_of(id=7, job_title="CEO", picture=Picture(urls={128: url})))[1]
        )


def test_a_picture_alone_still_makes_a_valid_section() -> None:
    blocks = card(card_of(id=7, picture=Picture(urls={512: "https://x.io/a.png"})))
    assert blocks[1]["text"]["text"] == "Person 7"
    assert blocks[1]["accessory"]["image_url"] == "https://x.io/a.png"


def test_deal_counts_show_only_what_is_known() -> None:
    blocks = card(card_of(id=7, deals=DealCounts(open=0, lost=4)))
    assert field(blocks, "Deals") == "0 open · 4 lost"


# Random persons: every field None, blank, hostile, huge or ordinary.
long_text = st.tuples(st.sampled_from([*HOSTILE, "x", "é😀", " "]), st.integers(1, 1500)).map(
    lambda pair: pair[0] * pair[1]
)
maybe_text = st.none() | st.text(max_size=40) | st.sampled_from(HOSTILE) | long_text
some_text = st.text(max_size=40) | st.sampled_from(HOSTILE) | long_text
contact = st.builds(Contact, value=some_text, label=maybe_text, primary=st.booleans())
many_contacts = st.integers(0, 300).map(
    lambda n: tuple(Contact(value=f"person{i}@example.com", label="work") for i in range(n))
)
contacts = st.lists(contact, max_size=8).map(tuple) | many_contacts
url = (
    st.sampled_from(["https://x.io/a.png", "http://x.io/a.png", ""])
    | some_text
    | st.builds(lambda path: f"https://x.io/{path}", some_text)
)
moment = st.datetimes(
    timezones=st.none()
    | st.just(UTC)
    | st.builds(timezone, st.timedeltas(timedelta(hours=-23), timedelta(hours=23)))
)
ids = st.integers(0, 10**12)
count = st.none() | st.integers(0, 10**9)
persons = st.builds(
    card_of,
    id=ids,
    name=maybe_text,
    first_name=maybe_text,
    last_name=maybe_text,
    job_title=maybe_text,
    emails=contacts,
    phones=contacts,
    owner_id=st.none() | ids,
    owner=st.none() | st.builds(User, id=ids, name=maybe_text, email=maybe_text),
    org_id=st.none() | ids,
    organization=st.none() | st.builds(Organization, id=ids, name=maybe_text, address=maybe_text),
    picture=st.none() | st.builds(Picture, urls=st.dictionaries(st.integers(1, 1024), url)),
    next_activity=st.none()
    | st.builds(
        Activity,
        id=ids,
        subject=maybe_text,
        type=maybe_text,
        type_name=maybe_text,
        due_date=st.none() | st.dates(),
        due_time=st.none() | st.times(timezones=st.none() | st.just(UTC)),
    ),
    last_activity_date=st.none() | st.dates(),
    deals=st.builds(DealCounts, open=count, won=count, lost=count),
    is_deleted=st.booleans(),
    add_time=st.none() | moment,
    update_time=st.none() | moment,
)


@settings(max_examples=200, deadline=None)
@given(persons)
def test_any_person_gives_a_valid_card_with_nothing_injected(person: Person) -> None:
    blocks = card(person)
    assert blocks[0]["type"] == "header"
    assert any(block["type"] == "actions" for block in blocks)
    assert not BIDI_CONTROLS & set(all_strings(blocks))
