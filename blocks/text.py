"""Escaping, truncation, and the link and date tokens of Slack mrkdwn.

Every string that comes from data passes through `escape` exactly once; every cut of text goes
through `clip`. Links and dates are built whole, never cut: `clip` only ever sees escaped data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import quote

ELLIPSIS = "…"
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}
_LONGEST_ENTITY = len("&amp;")
# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the direction marks
# (U+200E, U+200F, U+061C) reorder the text around them: a name holding U+202E shows a spoofed
# address. Dropped from data, which never needs them on a card.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **dict.fromkeys(BIDI_CONTROLS)})
_EMAIL_MAX = 254  # RFC 5321: the longest address that can be delivered
_PHONE_MAX = 64
# Everything a URL needs except `&`, `<`, `>` and `|`, which would end a mrkdwn link early.
_URL_SAFE = ":/?#[]@!$'()*+,;=%-._~"


def escape(text: str) -> str:
    """`&`, `<`, `>` as entities, so data can never ping, link or format as a token; and no
    bidirectional controls, so data can never reorder what the card shows around it."""
    return text.translate(_ESCAPES)


def unescape(text: str) -> str:
    """The inverse of `escape`, but for the bidirectional controls it drops."""
    return _ENTITY.sub(lambda match: _ENTITY_CHARS[match[1]], text)


_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and "…", never half an entity.

    Bidirectional controls go here too: plain text (Work Objects) is clipped, never escaped.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    text = text.translate(_NO_BIDI)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - _LONGEST_ENTITY + 1))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def one_line(raw: str | None) -> str | None:
    """Data text with its whitespace runs collapsed to one space; None when blank."""
    collapsed = " ".join(raw.split()) if raw else ""
    return collapsed or None


def mrkdwn(raw: str, limit: int) -> str:
    """Data text ready for any Block Kit text object: escaped, then clipped to `limit`."""
    return clip(escape(raw), limit)


def cap_lines(lines: Sequence[str], *, limit: int, max_lines: int) -> str:
    """As many whole lines as fit (at most `max_lines`) and "+N more" for the rest.

    Lines are never cut, so links and dates in them stay whole. `limit` must fit "+N more".
    """
    for shown in range(min(len(lines), max_lines), 0, -1):
        hidden = len(lines) - shown
        text = "\n".join([*lines[:shown], f"+{hidden} more"] if hidden else lines[:shown])
        if len(text) <= limit:
            return text
    return f"+{len(lines)} more" if lines else ""


def mailto(email: str) -> str | None:
    """A mailto link for an address, or None when the value does not look like one."""
    address = email.strip()
    if len(address) > _EMAIL_MAX or not address.isprintable() or not _one_address(address):
        return None
    return f"<mailto:{quote(address, safe='@')}|{escape(address)}>"


def _one_address(text: str) -> bool:
    """Something@something, with one "@" and no spaces (linear, unlike a backtracking pattern)."""
    local, at, domain = text.partition("@")
    return (
        bool(local and at and domain)
        and "@" not in domain
        and not any(char.isspace() for char in text)
    )


def tel(phone: str) -> str | None:
    """A tel link dialling the digits of `phone` (and its leading +), or None without digits."""
    number = phone.strip()
    if len(number) > _PHONE_MAX:
        return None
    digits = "".join(char for char in number if char in "0123456789")
    if not digits:
        return None
    plus = "+" if number.startswith("+") else ""
    return f"<tel:{plus}{digits}|{escape(number)}>"


def url_link(url: str, label: str, *, limit: int = 200) -> str:
    """A link to a URL the code built itself, labelled with data text (escaped and clipped)."""
    return f"<{quote(url, safe=_URL_SAFE)}|{mrkdwn(label, limit)}>"


def slack_date(moment: datetime, token_format: str, fallback: str) -> str:
    """A date every reader sees in their own time zone; `fallback` for clients that cannot."""
    if moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return f"<!date^{math.floor(moment.timestamp())}^{token_format}|{escape(fallback)}>"


def calendar_day(day: date) -> str:
    """A date that is the same in every time zone (all-day activities, date fields), as is."""
    return day.strftime("%a %d %b %Y")
