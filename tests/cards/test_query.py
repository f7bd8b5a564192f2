"""Person ids, links and search terms: what `/person` and unfurls accept, and what they refuse."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.cards import query
from bot.cards.query import (
    MAX_PERSON_ID,
    QUERY_TEXT_MAX,
    SEARCH_TERM_MAX,
    SEARCH_TERM_MIN,
    Account,
    Help,
    PersonId,
    Search,
    Setup,
    Unrecognised,
    is_email_address,
    parse_person_id,
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
        ("?", Help()),
        # Numbers that cannot be an id are refused, not searched for.
        ("0", Unrecognised("0")),
        ("000", Unrecognised("000")),
        ("-1", Unrecognised("-1")),
        ("-1.5", Unrecognised("-1.5")),
        ("1.5", Unrecognised("1.5")),
        ("1,5", Unrecognised("1,5")),
        (".5", Unrecognised(".5")),
        ("+0.5", Unrecognised("+0.5")),
        ("123456789012345678901234567890", Unrecognised("123456789012345678901234567890")),
        # Links that are not to one of this company's persons, and Slack tokens.
        (
            "https://other.pipedrive.com/person/1",
            Unrecognised("https://other.pipedrive.com/person/1"),
        ),
        ("https://acme.pipedrive.com/deal/1", Unrecognised("https://acme.pipedrive.com/deal/1")),
        (
            "<https://acme.pipedrive.com/deal/1>",
            Unrecognised("<https://acme.pipedrive.com/deal/1>"),
        ),
        ("acme.pipedrive.com/person/1", Unrecognised("acme.pipedrive.com/person/1")),
        ("https://example.com/jane", Unrecognised("https://example.com/jane")),
        ("<!channel>", Unrecognised("<!channel>")),
        ("<@U123|jane>", Unrecognised("<@U123|jane>")),
        # Too short for Pipedrive to search.
        ("a", Unrecognised("a")),
        ("٣", Unrecognised("٣")),  # an Arabic-Indic digit is not an id, and one character
        (" x ", Unrecognised("x")),
        ("x" * (SEARCH_TERM_MAX + 1), Unrecognised("x" * (SEARCH_TERM_MAX + 1))),
        # Everything else is a search; an email address only matches exactly.
        ("abc", Search("abc")),
        ("ab", Search("ab")),
        ("Jane Smith", Search("Jane Smith")),
        ("  Jane \n\t Smith ", Search("Jane Smith")),
        ("jane@acme.com", Search("jane@acme.com", exact=True)),
        ("Jane@Acme.COM", Search("Jane@Acme.COM", exact=True)),
        ("<mailto:jane@acme.com|jane@acme.com>", Search("jane@acme.com", exact=True)),
        ("jane@acme", Search("jane@acme")),
        ("@acme.com", Search("@acme.com")),
        ("+3725551234", Search("+3725551234")),
        ("+372 555 1234", Search("+372 555 1234")),
        ("555-1234", Search("555-1234")),
        ("(555) 123 4567", Search("(555) 123 4567")),
        ("1; DROP TABLE persons", Search("1; DROP TABLE persons")),
        ("' OR '1'='1", Search("' OR '1'='1")),
        ("٣٣", Search("٣٣")),
        ("x" * SEARCH_TERM_MAX, Search("x" * SEARCH_TERM_MAX)),
    ],
)
def test_person_queries(text: str, expected: object) -> None:
    assert parse_person_query(text, "acme") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("201", 201),
        (str(MAX_PERSON_ID), MAX_PERSON_ID),
        (str(MAX_PERSON_ID + 1), None),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("1.0", None),
        (" 1", None),
        ("1\n", None),
        ("+1", None),
        ("٣", None),
        ("99999999999999999999", None),
        ("", None),
    ],
)
def test_button_values_are_parsed_strictly(value: str, expected: int | None) -> None:
    assert parse_person_id(value) == expected


@given(st.integers(min_value=1, max_value=MAX_PERSON_ID))
def test_every_positive_id_round_trips_as_a_button_value(person_id: int) -> None:
    assert parse_person_id(str(person_id)) == person_id


@given(st.text())
def test_any_button_value_is_an_id_in_range_or_refused(value: str) -> None:
    person_id = parse_person_id(value)
    assert person_id is None or (0 < person_id <= MAX_PERSON_ID and str(person_id) == value)


@given(st.integers(min_value=1, max_value=MAX_PERSON_ID))
def test_every_positive_id_round_trips_as_text_and_as_link(person_id: int) -> None:
    assert parse_person_query(str(person_id), "acme") == PersonId(person_id)
    url = f"https://acme.pipedrive.com/person/{person_id}"
    assert parse_person_link(url, "acme") == person_id


@settings(max_examples=300)
@given(st.text())
def test_any_text_is_understood_or_refused_never_a_crash(text: str) -> None:
    query = parse_person_query(text, "acme")
    assert isinstance(query, Help | PersonId | Search | Unrecognised | Account | Setup)
    if isinstance(query, Setup):
        assert query.company is None or re.fullmatch(r"[a-z0-9-]{1,63}", query.company)
    if isinstance(query, PersonId):
        assert 0 < query.person_id <= MAX_PERSON_ID
    if isinstance(query, Search):
        # What Pipedrive accepts: 2 characters, or 1 with an exact match; one line, no padding.
        assert (1 if query.exact else SEARCH_TERM_MIN) <= len(query.term) <= SEARCH_TERM_MAX
        assert query.term == " ".join(query.term.split())
        assert "@" in query.term or not query.exact


@settings(max_examples=300)
@given(st.text(min_size=2, max_size=80))
def test_text_that_is_no_id_link_or_token_is_searched_for_as_typed(text: str) -> None:
    term = " ".join(text.split())
    # Non-ASCII text is never an id or a number; links and Slack tokens are refused elsewhere.
    assume(len(term) >= SEARCH_TERM_MIN and not term.isascii())
    assume(
        not (term.startswith("<") and term.endswith(">")) and not term.lower().startswith("mailto:")
    )
    assume("://" not in term and "pipedrive.com/" not in term.lower())
    assume(text.strip().partition(" ")[0].lower() != "setup")  # an admin's command
    query = parse_person_query(text, "acme")
    assert isinstance(query, Search)
    assert query.term == term


@settings(max_examples=300)
@given(st.text())
def test_no_link_from_another_host_is_ever_ours(path: str) -> None:
    assert parse_person_link(f"https://acme.example.com/{path}", "acme") is None


# -- cost: no pattern sees more than it must -------------------------------------------------


class Watched:
    """A compiled pattern that remembers the length of the longest text it was given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.longest = 0

    def __getattr__(self, name: str) -> Callable[..., object]:
        method = getattr(self.pattern, name)

        def call(text: str, *args: object) -> object:
            self.longest = max(self.longest, len(text))
            return method(text, *args)

        return call


@pytest.mark.parametrize(
    "text",
    [
        "a@" + "." * 40_000 + "@",  # froze the app for 6 s: the email pattern backtracked
        "1" * 40_000 + "x",
        "<" + "a" * 40_000,
        "https://acme.pipedrive.com/person/1?" + "a=b&" * 10_000,
    ],
    ids=["dots", "digits", "slack-link", "long-link"],
)
def test_overlong_text_is_refused_before_any_pattern_reads_it(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    watched = {
        name: Watched(value) for name, value in vars(query).items() if isinstance(value, re.Pattern)
    }
    for name, pattern in watched.items():
        monkeypatch.setattr(query, name, pattern)

    assert parse_person_query(text, "acme") == Unrecognised(text)
    assert all(pattern.longest <= QUERY_TEXT_MAX for pattern in watched.values())


# The pattern `is_email_address` replaced (it backtracked quadratically): the same answers.
OLD_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("a.@ <>\t\nb"), max_size=12) | st.emails())
def test_an_email_address_is_told_as_the_old_pattern_told_it(term: str) -> None:
    assert is_email_address(term) == (OLD_EMAIL.match(term) is not None)


def test_the_longest_search_term_is_still_searched() -> None:
    term = "a@b.c" + "d" * (SEARCH_TERM_MAX - 5)
    assert parse_person_query(term, "acme") == Search(term, exact=True)
    assert parse_person_query(term + "d", "acme") == Unrecognised(term + "d")


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("status", "status"),
        (" STATUS ", "status"),
        ("disconnect", "disconnect"),
        ("Disconnect", "disconnect"),
    ],
)
def test_status_and_disconnect_are_about_the_askers_own_connection(text: str, action: str) -> None:
    assert parse_person_query(text, "acme") == Account(action)  # type: ignore[arg-type]


def test_a_person_named_status_is_still_found_by_more_words() -> None:
    assert parse_person_query("status quo", "acme") == Search("status quo")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.pipedrive.com/person/5", 5),
        ("https://initech.pipedrive.com/person/6", 6),
        ("https://app.pipedrive.com/person/7", 7),
        ("https://pipedrive.com/person/8", None),
        ("https://acme.pipedrive.com.evil.example/person/9", None),
    ],
)
def test_with_no_company_any_companys_person_link_is_recognised(
    url: str, expected: int | None
) -> None:
    assert parse_person_link(url, None) == expected


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("setup acme", "acme"),
        ("SETUP Acme", "acme"),
        ("setup acme.pipedrive.com", "acme"),
        ("setup https://acme.pipedrive.com/", "acme"),
        ("setup <https://acme.pipedrive.com|acme.pipedrive.com>", "acme"),
        ("setup", None),
        ("setup   ", None),
        ("setup acme corp", None),
        ("setup -acme", None),
        ("setup " + "a" * 64, None),
    ],
)
def test_setup_names_a_company_subdomain_or_none(text: str, company: str | None) -> None:
    assert parse_person_query(text, "acme") == Setup(company)


def test_a_person_named_setup_is_found_with_another_first_word() -> None:
    assert parse_person_query("Mr Setup", "acme") == Search("Mr Setup")
    assert parse_person_query("setupson", "acme") == Search("setupson")
