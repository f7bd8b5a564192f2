"""When a follow-up is due: the day it defaults to, and the user's own wall-clock time as the
UTC date and time Pipedrive keeps. An all-day follow-up keeps its date as chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SATURDAY = 5


def time_zone(name: str | None) -> tzinfo:
    """The IANA zone `name` names ("America/New_York"); UTC for none or one unknown here."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def next_working_day(today: date) -> date:
    """The first Monday-to-Friday day after `today`."""
    day = today + timedelta(days=1)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def due_in_utc(day: date, at: time | None, zone: tzinfo) -> tuple[date, time | None]:
    """`day` at `at` in `zone`, as the UTC date and time (a time can move the date); with no
    time, the date as it is."""
    if at is None:
        return day, None
    moment = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
    return moment.date(), moment.time().replace(second=0, microsecond=0)
