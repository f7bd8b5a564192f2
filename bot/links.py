"""What a user typed or pasted, understood: person ids and Pipedrive person links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Ids above this cannot be exact in Pipedrive's JSON numbers, so they cannot name a person.
MAX_PERSON_ID = 2**53 - 1
_PERSON_PATH = re.compile(r"^/person/([0-9]{1,16})/?$")
_DIGITS = re.compile(r"^[0-9]{1,16}$")
_SLACK_LINK = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")


def parse_person_link(url: str, company_domain: str) -> int | None:
    """The person id in a link to this company's Pipedrive, else None.

    Accepts `https://{company}.pipedrive.com/person/{id}` and `https://app.pipedrive.com/...`,
    with a trailing slash, query string or fragment. Another company's `*.pipedrive.com` names
    a different person with the same id, so it is not ours to show.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    hosts = {f"{company_domain}.pipedrive.com", "app.pipedrive.com"}
    if parts.scheme not in ("https", "http") or port is not None or parts.hostname not in hosts:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    match = _PERSON_PATH.match(parts.path)
    return _person_id(match.group(1)) if match else None


@dataclass(frozen=True)
class Help:
    """An empty command or `help`."""


@dataclass(frozen=True)
class PersonId:
    person_id: int


@dataclass(frozen=True)
class Unrecognised:
    text: str


PersonQuery = Help | PersonId | Unrecognised


def parse_person_query(text: str, company_domain: str) -> PersonQuery:
    """`/person` text: help, a positive id, a person link (bare or as Slack wraps it), or not."""
    text = text.strip()
    if not text or text.lower() in ("help", "?"):
        return Help()
    if _DIGITS.match(text):
        person_id = _person_id(text)
        return PersonId(person_id) if person_id else Unrecognised(text)
    wrapped = _SLACK_LINK.match(text)
    person_id = parse_person_link(wrapped.group(1) if wrapped else text, company_domain)
    return PersonId(person_id) if person_id else Unrecognised(text)


def _person_id(digits: str) -> int | None:
    value = int(digits)
    return value if 0 < value <= MAX_PERSON_ID else None
