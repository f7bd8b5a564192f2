from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.text import (
    BIDI_CONTROLS,
    ELLIPSIS,
    cap_lines,
    clip,
    escape,
    mailto,
    mrkdwn,
    slack_date,
    tel,
    unescape,
    url_link,
)

FAST = settings(max_examples=200, deadline=None)
# Text heavy in the characters that matter to mrkdwn.
markup = st.text(alphabet=st.sampled_from("&<>;amplgt|!@*_~ \nxé😀"), max_size=80) | st.text()
# Text with the bidirectional controls among ordinary and right-to-left letters.
bidi = st.text(
    alphabet=st.sampled_from([*BIDI_CONTROLS, "a", "@", ".", " ", "1", "+", "ש", "ع", "&", "<"]),
    max_size=40,
)
HOSTILE = ["<!channel>", "<https://evil.example|click>", "&<>", "<@U123>", "a|b>c", "x y@z"]

ENTITY_AT = re.compile(r"&(?:amp|lt|gt);")


def _only_entities(text: str) -> bool:
    return all(ENTITY_AT.match(text, i) for i, char in enumerate(text) if char == "&")


def test_escape_replaces_the_three_control_characters() -> None:
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"


@FAST
@given(markup | bidi)
def test_escape_leaves_no_control_character_and_round_trips(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert _only_entities(escaped)
    assert not BIDI_CONTROLS & set(escaped)
    assert unescape(escaped) == "".join(char for char in text if char not in BIDI_CONTROLS)


def test_escape_drops_every_bidirectional_control() -> None:
    spoof = "Will \u202emoc.live@nhoj\u202e Smith"
    assert escape(spoof) == "Will moc.live@nhoj Smith"
    controls = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    assert escape(f"a{controls}\u200e\u200f\u061cb") == "ab"
    assert escape("שלום עולם") == "שלום עולם"  # right-to-left text itself stays


@FAST
@given(bidi, st.integers(min_value=1, max_value=60))
def test_no_text_from_data_carries_a_bidirectional_control(text: str, limit: int) -> None:
    for shown in (
        mrkdwn(text, limit),
        url_link("https://acme.pipedrive.com/person/1", text),
        tel(text) or "",
        mailto(text) or "",
        slack_date(datetime(2026, 1, 1, tzinfo=UTC), "{date_short}", text),
    ):
        assert not BIDI_CONTROLS & set(shown)


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("Will Smith", 10) == "Will Smith"
    assert clip("Will Smith", 9) == "Will Smi…"
    assert clip("Will Smith", 6) == "Will…"  # no space before the ellipsis


def test_clip_never_cuts_an_entity() -> None:
    assert clip("ab&amp;cd", 6) == "ab…"
    assert clip("ab&lt;cd", 7) == "ab&lt;…"


def test_clip_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError):
        clip("x", 0)


@FAST
@given(markup, st.integers(min_value=1, max_value=100))
def test_clip_fits_and_is_a_prefix(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    if len(text) <= limit:
        assert clipped == text
    else:
        assert clipped.endswith(ELLIPSIS)
        assert text.startswith(clipped[: -len(ELLIPSIS)])


@FAST
@given(markup, st.integers(min_value=1, max_value=100))
def test_mrkdwn_never_splits_an_entity(text: str, limit: int) -> None:
    clipped = mrkdwn(text, limit)
    assert len(clipped) <= limit
    assert _only_entities(clipped)
    assert text.startswith(unescape(clipped.removesuffix(ELLIPSIS)))


def test_cap_lines_shows_whole_lines_then_how_many_more() -> None:
    lines = [f"line {i}" for i in range(10)]
    assert cap_lines(lines[:2], limit=100, max_lines=5) == "line 0\nline 1"
    assert cap_lines(lines, limit=100, max_lines=3) == "line 0\nline 1\nline 2\n+7 more"
    assert cap_lines(lines, limit=21, max_lines=5) == "line 0\nline 1\n+8 more"
    assert cap_lines([], limit=20, max_lines=5) == ""


@FAST
@given(st.lists(markup, max_size=50), st.integers(min_value=12, max_value=500))
def test_cap_lines_fits_and_keeps_lines_whole(lines: list[str], limit: int) -> None:
    lines = ["L" + line.replace("\n", " ") for line in lines]  # no line looks like "+N more"
    text = cap_lines(lines, limit=limit, max_lines=5)
    assert len(text) <= limit
    shown = text.split("\n") if text else []
    hidden = int(shown.pop()[1:].removesuffix(" more")) if shown and shown[-1][0] == "+" else 0
    assert len(shown) <= 5
    assert shown == lines[: len(shown)]
    assert len(shown) + hidden == len(lines)


def test_mailto_links_an_address() -> None:
    assert mailto("12345@email.com") == "<mailto:12345@email.com|12345@email.com>"
    assert mailto(" jane+crm@example.com ") == (
        "<mailto:jane%2Bcrm@example.com|jane+crm@example.com>"
    )


@pytest.mark.parametrize("value", ["", "no at sign", "two@@example.com", "a b@c.d", "@x", "x@"])
def test_mailto_refuses_what_is_not_an_address(value: str) -> None:
    assert mailto(value) is None


def test_mailto_refuses_an_address_too_long_to_deliver() -> None:
    assert mailto("a" * 250 + "@x.io") is None


@FAST
@given(markup)
def test_mailto_cannot_be_broken_out_of(value: str) -> None:
    link = mailto(value)
    if link is not None:
        match = re.fullmatch(r"<mailto:([A-Za-z0-9_.~%@-]+)\|([^<>]*)>", link)
        assert match is not None, link
        assert unquote(match[1]) == value.strip()
        assert unescape(match[2]) == value.strip()


def test_tel_dials_the_digits_and_shows_the_number() -> None:
    assert tel("12345") == "<tel:12345|12345>"
    assert tel("+372 555-1234") == "<tel:+3725551234|+372 555-1234>"
    assert tel("<!channel> 1") == "<tel:1|&lt;!channel&gt; 1>"


@pytest.mark.parametrize("value", ["", "n/a", "<!channel>", "١٢٣", "1" * 65])
def test_tel_refuses_values_without_digits_or_too_long(value: str) -> None:
    assert tel(value) is None


@FAST
@given(markup)
def test_tel_cannot_be_broken_out_of(value: str) -> None:
    link = tel(value)
    if link is not None:
        match = re.fullmatch(r"<tel:\+?[0-9]+\|([^<>]*)>", link)
        assert match is not None, link
        assert unescape(match[1]) == value.strip()


def test_url_link_quotes_the_url_and_escapes_the_label() -> None:
    assert url_link("https://acme.pipedrive.com/organization/1", "A&B <Ltd>") == (
        "<https://acme.pipedrive.com/organization/1|A&amp;B &lt;Ltd&gt;>"
    )
    assert url_link("https://x.io/a|b>c d", "x") == "<https://x.io/a%7Cb%3Ec%20d|x>"
    assert url_link("https://x.io", "y" * 300, limit=10) == f"<https://x.io|{'y' * 9}…>"


def test_slack_date_is_a_date_token_with_an_escaped_fallback() -> None:
    moment = datetime(2019, 11, 29, 11, 30, tzinfo=UTC)
    assert slack_date(moment, "{date_short_pretty} at {time}", "Fri <29>") == (
        "<!date^1575027000^{date_short_pretty} at {time}|Fri &lt;29&gt;>"
    )


def test_slack_date_uses_the_offset_of_an_aware_moment() -> None:
    moment = datetime(2019, 11, 29, 13, 30, tzinfo=timezone(timedelta(hours=2)))
    assert slack_date(moment, "{time}", "x").startswith("<!date^1575027000^")


def test_slack_date_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError):
        slack_date(datetime(2019, 11, 29, 11, 30), "{time}", "x")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_text(value: str) -> None:
    assert "<" not in mrkdwn(value, 100) and ">" not in mrkdwn(value, 100)
