"""The card's Details (custom fields by name) and its next activity's overdue mark."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocks import person_card, person_card_text
from blocks.custom_fields import FIELDS_SHOWN
from bot.domain import (
    Activity,
    BooleanValue,
    CustomField,
    DateValue,
    FieldValue,
    MoneyValue,
    NumberValue,
    Option,
    OptionsValue,
    Person,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
)
from tests.blockkit import FIELD_TEXT_MAX, assert_no_injection, assert_valid_blocks
from tests.blocks.seed import card_of, seed_person

DOMAIN = "acme"
NOW = datetime(2019, 11, 1, tzinfo=UTC)
HOSTILE = ["<!channel>", "<@U123>", "<https://evil.example|click>", "&<>", "*b* _i_ `c`", "&amp;"]
HOSTILE_TEXT = " ".join(HOSTILE)


def card(person: Person, now: datetime = NOW) -> list[dict[str, Any]]:
    blocks = person_card(person, company_domain=DOMAIN, now=now)
    assert_valid_blocks(blocks)
    assert_no_injection(blocks, HOSTILE, text=person_card_text(person))
    return blocks


def with_fields(*fields: CustomField) -> Person:
    return card_of(id=7, name="Will", fields=fields)


def custom(name: str, value: FieldValue, kind: str = "varchar") -> CustomField:
    return CustomField(key="a" * 40, name=name, type=kind, value=value)


def details(blocks: list[dict[str, Any]]) -> list[str]:
    """The Details section's fields, as their mrkdwn texts."""
    (section,) = [block for block in blocks if block.get("text", {}).get("text") == "*Details*"]
    return [field["text"] for field in section["fields"]]


def next_activity(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        for item in block.get("fields", []):
            if item["text"].startswith("*Next activity*\n"):
                return str(item["text"]).removeprefix("*Next activity*\n")
    raise AssertionError("no next activity")


# -- each type -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (TextValue(text="Gold  customer\nsince 2019"), "Gold customer since 2019"),
        (PhoneValue(number="+372 555 0101"), "<tel:+3725550101|+372 555 0101>"),
        (PhoneValue(number="ask reception"), "ask reception"),
        (NumberValue(number=Decimal("1234567.50")), "1,234,567.5"),
        (NumberValue(number=Decimal("-3")), "-3"),
        (NumberValue(number=Decimal("1e30")), "1E+30"),
        (MoneyValue(amount=Decimal(2300), currency="EUR"), "2,300 EUR"),
        (MoneyValue(amount=Decimal("99.90")), "99.9"),
        (BooleanValue(value=True), "Yes"),
        (BooleanValue(value=False), "No"),
        (DateValue(start=date(2024, 1, 1)), "Mon 01 Jan 2024"),
        (
            DateValue(start=date(2024, 1, 1), end=date(2024, 2, 1)),
            "Mon 01 Jan 2024 – Thu 01 Feb 2024",
        ),
        (TimeValue(start=time(9)), "09:00"),
        (
            TimeValue(start=time(9), end=time(11, 30), timezone="Europe/London"),
            "09:00–11:30 (Europe/London)",
        ),
        (
            OptionsValue(options=(Option(id="1", label="Support"), Option(id="3", label="Sales"))),
            "Support, Sales",
        ),
        (OptionsValue(options=(Option(id="12"),)), "Option 12"),
        (ReferenceValue(target="user", id=123, name="Jane Doe"), "Jane Doe"),
        (ReferenceValue(target="user", id=12), "User 12"),
        (
            ReferenceValue(target="organization", id=7, name="Org Name"),
            "<https://acme.pipedrive.com/organization/7|Org Name>",
        ),
        (
            ReferenceValue(target="organization", id=7),
            "<https://acme.pipedrive.com/organization/7|Organization 7>",
        ),
        (ReferenceValue(target="person", id=9), "<https://acme.pipedrive.com/person/9|Person 9>"),
    ],
)
def test_each_value_reads_as_its_type(value: FieldValue, shown: str) -> None:
    assert details(card(with_fields(custom("Field", value)))) == [f"*Field*\n{shown}"]


def test_the_sample_person_shows_its_details_between_profile_and_button() -> None:
    person = seed_person(
        **{
            "fields": (
                custom("Customer Type", OptionsValue(options=(Option(id="191", label="Company"),))),
                custom("Contract value", MoneyValue(amount=Decimal(2300), currency="EUR")),
            )
        }
    )
    blocks = card(person)
    kinds = [block["type"] for block in blocks]
    assert kinds == ["header", "section", "section", "actions", "context"]
    assert details(blocks) == ["*Customer Type*\nCompany", "*Contract value*\n2,300 EUR"]


def test_no_fields_no_details() -> None:
    blocks = card(with_fields(custom("Blank", TextValue(text=" \n "))))
    assert all(block.get("text", {}).get("text") != "*Details*" for block in blocks)


def test_hostile_names_and_values_stay_text() -> None:
    fields = (
        custom(HOSTILE_TEXT, TextValue(text=HOSTILE_TEXT)),
        custom(HOSTILE_TEXT, PhoneValue(number=HOSTILE_TEXT)),
        custom("Money", MoneyValue(amount=Decimal(1), currency=HOSTILE_TEXT)),
        custom("Time", TimeValue(start=time(9), timezone=HOSTILE_TEXT)),
        custom("Options", OptionsValue(options=(Option(id="<!here>", label=HOSTILE_TEXT),))),
        custom("Unlabelled", OptionsValue(options=(Option(id="<!here>"),))),
        custom("User", ReferenceValue(target="user", id=1, name=HOSTILE_TEXT)),
        custom("Org", ReferenceValue(target="organization", id=1, name=HOSTILE_TEXT)),
        custom("Person", ReferenceValue(target="person", id=1, name=HOSTILE_TEXT)),
    )
    blocks = card(with_fields(*fields))
    shown = details(blocks)
    assert shown[0].startswith("*&lt;!channel&gt; &lt;@U123&gt;")
    assert "Option &lt;!here&gt;" in shown[5]
    assert_no_injection(blocks, ["<!here>"])


def test_two_hundred_fields_show_ten_and_how_many_more() -> None:
    fields = [custom(f"Field {n}", TextValue(text="x" * 3000)) for n in range(200)]
    blocks = card(with_fields(*fields))
    shown = details(blocks)
    assert len(shown) == FIELDS_SHOWN == 10
    assert all(len(text) <= FIELD_TEXT_MAX for text in shown)
    assert shown[0].startswith("*Field 0*\nxxx") and shown[0].endswith("…")
    assert [block["type"] for block in blocks] == ["header", "section", "context", "actions"]
    assert blocks[2]["elements"][0]["text"] == "+190 more in Pipedrive"


def test_a_huge_name_and_set_are_clipped() -> None:
    options = tuple(Option(id=str(n), label="&" * 200) for n in range(500))
    blocks = card(with_fields(custom("N" * 5000, OptionsValue(options=options))))
    (shown,) = details(blocks)
    name, value = shown.split("\n")
    assert len(name) <= 102 and name.endswith("…*")
    assert value.endswith("…") and len(value) <= 500


# -- the next activity: overdue, and all-day dates ------------------------------------------

CALL = Activity(id=5, subject="Call", due_date=date(2019, 11, 29), due_time=time(11, 30))
DUE = "<!date^1575027000^{date_short_pretty} at {time}|Fri 29 Nov 2019 11:30 UTC>"
OVERDUE = " · :warning: *overdue*"


@pytest.mark.parametrize(
    ("activity", "now", "due"),
    [
        (CALL, datetime(2019, 11, 29, 11, 29, tzinfo=UTC), DUE),
        (CALL, datetime(2019, 11, 29, 11, 31, tzinfo=UTC), DUE + OVERDUE),
        (CALL, datetime(2019, 11, 29, 13, 31, tzinfo=timezone(timedelta(hours=2))), DUE + OVERDUE),
        (CALL.model_copy(update={"done": True}), datetime(2020, 1, 1, tzinfo=UTC), DUE),
    ],
)
def test_a_timed_activity_is_overdue_once_its_moment_is_past(
    activity: Activity, now: datetime, due: str
) -> None:
    assert next_activity(card(card_of(id=7, next_activity=activity), now)) == f"Call\n{due}"


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2019, 11, 29, 0, 0, tzinfo=UTC), "Fri 29 Nov 2019"),
        (datetime(2019, 11, 29, 23, 59, tzinfo=UTC), "Fri 29 Nov 2019"),
        # 01:00 on the 30th in UTC+2 is still the 29th in UTC.
        (datetime(2019, 11, 30, 1, 0, tzinfo=timezone(timedelta(hours=2))), "Fri 29 Nov 2019"),
        (datetime(2019, 11, 30, 0, 0, tzinfo=UTC), "Fri 29 Nov 2019" + OVERDUE),
        (datetime(2019, 11, 30, 0, 0), "Fri 29 Nov 2019" + OVERDUE),  # naive: UTC
    ],
)
def test_an_all_day_activity_keeps_its_date_and_is_overdue_only_from_the_next_day(
    now: datetime, due: str
) -> None:
    activity = Activity(id=5, subject="Conference", due_date=date(2019, 11, 29))
    assert next_activity(card(card_of(id=7, next_activity=activity), now)) == f"Conference\n{due}"


def test_without_now_the_card_uses_the_current_time() -> None:
    past = card_of(id=7, next_activity=CALL)
    future = card_of(id=7, next_activity=CALL.model_copy(update={"due_date": date(9999, 1, 1)}))
    assert next_activity(person_card(past, company_domain=DOMAIN)).endswith(OVERDUE)
    assert not next_activity(person_card(future, company_domain=DOMAIN)).endswith(OVERDUE)


def test_an_undated_activity_is_never_overdue() -> None:
    activity = Activity(id=5, subject="Someday")
    assert next_activity(card(card_of(id=7, next_activity=activity))) == "Someday"


# -- any fields at all -----------------------------------------------------------------------

text = (
    st.text(max_size=30)
    | st.sampled_from(HOSTILE)
    | st.builds(lambda n: "é&<" * n, st.integers(0, 900))
)
decimals = st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [Decimal("1e999999"), Decimal("-1e-999999"), Decimal("0.1") ** 40]
)
values = st.one_of(
    st.builds(TextValue, text=text),
    st.builds(PhoneValue, number=text),
    st.builds(NumberValue, number=decimals),
    st.builds(MoneyValue, amount=decimals, currency=st.none() | text),
    st.builds(BooleanValue, value=st.booleans()),
    st.builds(DateValue, start=st.dates(), end=st.none() | st.dates()),
    st.builds(TimeValue, start=st.times(), end=st.none() | st.times(), timezone=st.none() | text),
    st.builds(
        OptionsValue,
        options=st.lists(st.builds(Option, id=text, label=st.none() | text), max_size=30).map(
            tuple
        ),
    ),
    st.builds(
        ReferenceValue,
        target=st.sampled_from(["user", "organization", "person"]),
        id=st.integers(0, 10**18),
        name=st.none() | text,
    ),
)
fields = st.lists(
    st.builds(
        CustomField, key=st.text(max_size=40), name=text, type=st.text(max_size=10), value=values
    ),
    max_size=40,
).map(tuple)


@settings(max_examples=200, deadline=None)
@given(fields=fields, activity_done=st.booleans(), now=st.datetimes(timezones=st.just(UTC)))
def test_any_fields_give_a_valid_card_with_nothing_injected(
    fields: tuple[CustomField, ...], activity_done: bool, now: datetime
) -> None:
    person = seed_person(
        **{"fields": fields, "next_activity": CALL.model_copy(update={"done": activity_done})}
    )
    card(person, now)
