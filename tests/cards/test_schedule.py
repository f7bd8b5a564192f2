"""When a follow-up is due: the default day, and the user's wall-clock time in UTC."""

from __future__ import annotations

from datetime import UTC, date, time

import pytest

from bot.cards.schedule import due_in_utc, next_working_day, time_zone


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 12), date(2026, 1, 13)),  # Monday → Tuesday
        (date(2026, 1, 15), date(2026, 1, 16)),  # Thursday → Friday
        (date(2026, 1, 16), date(2026, 1, 19)),  # Friday → Monday
        (date(2026, 1, 17), date(2026, 1, 19)),  # Saturday → Monday
        (date(2026, 1, 18), date(2026, 1, 19)),  # Sunday → Monday
    ],
)
def test_the_next_working_day(today: date, expected: date) -> None:
    assert next_working_day(today) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("America/New_York", date(2026, 1, 12), time(9), (date(2026, 1, 12), time(14))),
        ("America/New_York", date(2026, 7, 13), time(9), (date(2026, 7, 13), time(13))),  # EDT
        ("America/Los_Angeles", date(2026, 1, 12), time(20, 30), (date(2026, 1, 13), time(4, 30))),
        ("Asia/Tokyo", date(2026, 1, 12), time(8), (date(2026, 1, 11), time(23))),
        ("Asia/Kolkata", date(2026, 1, 12), time(9, 15), (date(2026, 1, 12), time(3, 45))),
        ("UTC", date(2026, 1, 12), time(9), (date(2026, 1, 12), time(9))),
    ],
)
def test_wall_clock_time_in_the_users_zone_is_sent_in_utc(
    zone: str, day: date, at: time, expected: tuple[date, time]
) -> None:
    assert due_in_utc(day, at, time_zone(zone)) == expected


def test_all_day_keeps_its_date_whatever_the_zone() -> None:
    assert due_in_utc(date(2026, 1, 12), None, time_zone("Pacific/Kiritimati")) == (
        date(2026, 1, 12),
        None,
    )


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus_Mons", "../../etc/passwd", "UTC\x00"])
def test_a_zone_that_is_no_zone_is_utc(name: str | None) -> None:
    assert time_zone(name) is UTC
