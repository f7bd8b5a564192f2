"""The "Details" part of the person card: custom fields by name, each value read for its type.

Pure and total like the rest of the card: names and values are data, escaped once (`mrkdwn`,
`url_link`, `tel`); at most `FIELDS_SHOWN` fields appear, the rest as "+N more".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from bot.domain import (
    BooleanValue,
    CustomField,
    DateValue,
    FieldValue,
    MoneyValue,
    NumberValue,
    Option,
    OptionsValue,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
)

from .kit import Block, context, section
from .limits import SECTION_FIELDS_MAX
from .pipedrive_links import pipedrive_url
from .text import calendar_day, clip, mrkdwn, one_line, tel, url_link

DETAILS_HEADING = "*Details*"
FIELDS_SHOWN = SECTION_FIELDS_MAX  # one section; the rest as "+N more"
FIELD_NAME_MAX = 100
VALUE_MAX = 500  # a long text ends in "…"; a field stays far below Slack's 2000
OPTION_MAX = 100
CURRENCY_MAX = 20
TIMEZONE_MAX = 50
NAME_MAX = 150
# Numbers this many digits long (or this small) are shown as 1.5E+20 rather than in full.
PLAIN_DIGITS_MAX = 15
_TARGET_WORDS: dict[str, str] = {"user": "User", "organization": "Organization", "person": "Person"}
_LINKED: dict[str, Literal["organization", "person"]] = {
    "organization": "organization",
    "person": "person",
}


def details_blocks(fields: Sequence[CustomField], *, company_domain: str) -> list[Block]:
    """The Details section ("*Name*\\nvalue" per field), or nothing when no field has a value."""
    texts = [text for field in fields if (text := field_text(field, company_domain)) is not None]
    if not texts:
        return []
    shown = texts[:FIELDS_SHOWN]
    blocks = [section(DETAILS_HEADING, fields=shown)]
    hidden = len(texts) - len(shown)
    if hidden:
        blocks.append(context([f"+{hidden} more in Pipedrive"]))
    return blocks


def field_text(field: CustomField, company_domain: str) -> str | None:
    value = value_text(field.value, company_domain)
    if value is None:
        return None
    name = mrkdwn(one_line(field.name) or "Unnamed field", FIELD_NAME_MAX)
    return f"*{name}*\n{value}"


def value_text(value: FieldValue, company_domain: str) -> str | None:
    """The value as mrkdwn, or None when there is nothing to show."""
    match value:
        case TextValue(text=text):
            shown = one_line(text)
            return mrkdwn(shown, VALUE_MAX) if shown else None
        case PhoneValue(number=number):
            shown = one_line(number)
            return (tel(shown) or mrkdwn(shown, VALUE_MAX)) if shown else None
        case NumberValue(number=number):
            return number_text(number)
        case MoneyValue(amount=amount, currency=currency):
            code = one_line(currency)
            amount_text = number_text(amount)
            return f"{amount_text} {mrkdwn(code, CURRENCY_MAX)}" if code else amount_text
        case BooleanValue(value=flag):
            return "Yes" if flag else "No"
        case DateValue():
            return date_range_text(value)
        case TimeValue(timezone=timezone):
            zone = one_line(timezone)
            shown = time_range_text(value)
            return f"{shown} ({mrkdwn(zone, TIMEZONE_MAX)})" if zone else shown
        case OptionsValue(options=options):
            shown = ", ".join(mrkdwn(option_label(option), OPTION_MAX) for option in options)
            return clip(shown, VALUE_MAX) if shown else None
        case ReferenceValue():
            url = reference_url(value, company_domain)
            label = reference_label(value)
            return url_link(url, label, limit=NAME_MAX) if url else mrkdwn(label, NAME_MAX)
    return None


def date_range_text(value: DateValue) -> str:
    """ "Mon 01 Jan 2024", or "Mon 01 Jan 2024 – Thu 01 Feb 2024" for a range."""
    return calendar_day(value.start) + (f" – {calendar_day(value.end)}" if value.end else "")


def time_range_text(value: TimeValue) -> str:
    """ "09:00", or "09:00–11:30" for a range; without its time zone."""
    return value.start.strftime("%H:%M") + (value.end.strftime("–%H:%M") if value.end else "")


def option_label(option: Option) -> str:
    """The option's label (plain text), else "Option 12" for an id the field does not define."""
    return one_line(option.label) or f"Option {option.id}"


def reference_label(value: ReferenceValue) -> str:
    """The record's name (plain text), else "User 12", "Organization 7" or "Person 9"."""
    return one_line(value.name) or f"{_TARGET_WORDS[value.target]} {value.id}"


def reference_url(value: ReferenceValue, company_domain: str) -> str | None:
    """The organization or person in Pipedrive; None for a user, who has no page to link."""
    kind = _LINKED.get(value.target)
    return pipedrive_url(company_domain, kind, value.id) if kind else None


def number_text(number: Decimal) -> str:
    """1234.5 as "1,234.5"; huge and tiny numbers in scientific notation."""
    if not number.is_finite():
        return mrkdwn(str(number), VALUE_MAX)
    if number and abs(number.adjusted()) > PLAIN_DIGITS_MAX:
        return clip(f"{number:.6G}", VALUE_MAX)
    return clip(f"{number.normalize():,f}", VALUE_MAX)
