"""Person ids and links: what `/person` and unfurls accept, and everything they refuse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.links import (
    MAX_PERSON_ID,
    Help,
    PersonId,
    Unrecognised,
    parse_person_link,
    parse_person_query,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.pipedrive.com/person/5", 5),
        ("https://acme.pipedrive.com/person/5/", 5),
        ("https://acme.pipedrive.com/person/5?tab=deals", 5),
        ("https://acme.pipedrive.com/person/5#notes", 5),
        ("https://acme.pipedrive.com/person/5/?a=b#c", 5),
        ("https://app.pipedrive.com/person/5", 5),
        ("https://ACME.Pipedrive.com/person/5", 5),
        ("http://acme.pipedrive.com/person/5", 5),
        ("  https://acme.pipedrive.com/person/5  ", 5),
        ("https://other.pipedrive.com/person/5", None),
        ("https://acme.pipedrive.com/deal/5", None),
        ("https://acme.pipedrive.com/person/5/activities", None),
        ("https://acme.pipedrive.com/person/0", None),
        ("https://acme.pipedrive.com/person/-5", None),
        ("https://acme.pipedrive.com/person/abc", None),
        ("https://acme.pipedrive.com/person/123456789012345678901234567890", None),
        ("https://acme.pipedrive.com.evil.example/person/5", None),
        ("https://evil.example/?https://acme.pipedrive.com/person/5", None),
        ("https://user:pw@acme.pipedrive.com/person/5", None),
        ("https://acme.pipedrive.com:8443/person/5", None),
        ("ftp://acme.pipedrive.com/person/5", None),
        ("https://acme.pipedrive.com:bad/person/5", None),
        ("https://[::1/person/5", None),
        ("", None),
    ],
)
def test_person_links(url: str, expected: int | None) -> None:
    assert parse_person_link(url, "acme") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   ", Help()),
        ("help", Help()),
        ("HELP", Help()),
        ("42", PersonId(42)),
        (" 42 ", PersonId(42)),
        ("https://acme.pipedrive.com/person/42", PersonId(42)),
        ("<https://acme.pipedrive.com/person/42>", PersonId(42)),
        ("<https://acme.pipedrive.com/person/42|Will Smith>", PersonId(42)),
        ("0", Unrecognised("0")),
        ("-1", Unrecognised("-1")),
        ("1.5", Unrecognised("1.5")),
        ("abc", Unrecognised("abc")),
        ("123456789012345678901234567890", Unrecognised("123456789012345678901234567890")),
        ("1; DROP TABLE persons", Unrecognised("1; DROP TABLE persons")),
        ("٣", Unrecognised("٣")),  # an Arabic-Indic digit is not an id
    ],
)
def test_person_queries(text: str, expected: object) -> None:
    assert parse_person_query(text, "acme") == expected


@given(st.integers(min_value=1, max_value=MAX_PERSON_ID))
def test_every_positive_id_round_trips_as_text_and_as_link(person_id: int) -> None:
    assert parse_person_query(str(person_id), "acme") == PersonId(person_id)
    url = f"https://acme.pipedrive.com/person/{person_id}"
    assert parse_person_link(url, "acme") == person_id


@settings(max_examples=300)
@given(st.text())
def test_any_text_is_understood_or_refused_never_a_crash(text: str) -> None:
    query = parse_person_query(text, "acme")
    assert isinstance(query, Help | PersonId | Unrecognised)
    if isinstance(query, PersonId):
        assert 0 < query.person_id <= MAX_PERSON_ID


@settings(max_examples=300)
@given(st.text())
def test_no_link_from_another_host_is_ever_ours(path: str) -> None:
    assert parse_person_link(f"https://acme.example.com/{path}", "acme") is None
