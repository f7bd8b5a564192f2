"""What a user typed or pasted, understood: person ids, Pipedrive person links, search terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from bot.config import company_subdomain

# Ids above this cannot be exact in Pipedrive's JSON numbers, so they cannot name a person.
MAX_PERSON_ID = 2**53 - 1
_PERSON_PATH = re.compile(r"^/person/([0-9]{1,16})/?$")
_DIGITS = re.compile(r"^[0-9]{1,16}$")
_SLACK_LINK = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")
# Numbers that are no person id are refused, not searched for: "-1", "1.5", "+0,5", 30 digits.
# Phone numbers ("+3725551234", "555 1234", "555-1234") do not match: they are searches.
_NOT_AN_ID = re.compile(r"^(?:[0-9]+|-[0-9]+(?:[.,][0-9]*)?|[+-]?[0-9]*[.,][0-9]+)$")
# Any other link, or a Pipedrive address typed without its scheme: never a name, email or phone.
_LINKISH = re.compile(r"://|pipedrive\.com/", re.IGNORECASE)
# Pipedrive searches terms of at least 2 characters, or 1 with exact_match.
SEARCH_TERM_MIN = 2
SEARCH_TERM_MAX = 200
# Longer text is no id, link or term: refused before any pattern looks at it.
QUERY_TEXT_MAX = 2048


def parse_person_link(url: str, company_domain: str | None) -> int | None:
    """The person id in a link to this company's Pipedrive, else None.

    Accepts `https://{company}.pipedrive.com/person/{id}` and `https://app.pipedrive.com/...`,
    with a trailing slash, query string or fragment. Another company's `*.pipedrive.com` names
    a different person with the same id, so it is not ours to show. With `company_domain`
    None, any company's link is accepted: to ask who posted it to connect, never to read it.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if company_domain is None:
        ours = host.endswith(".pipedrive.com")
    else:
        ours = host in {f"{company_domain}.pipedrive.com", "app.pipedrive.com"}
    if parts.scheme not in ("https", "http") or port is not None or not ours:
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
class Search:
    """Text to search persons' names, emails and phones for; an email address only exactly."""

    term: str
    exact: bool = False


@dataclass(frozen=True)
class Unrecognised:
    text: str


@dataclass(frozen=True)
class Account:
    """`/person status` or `/person disconnect`: about the asker's own Pipedrive connection."""

    action: Literal["status", "disconnect"]


@dataclass(frozen=True)
class Setup:
    """`/person setup <company>`: an admin binds the workspace to a Pipedrive company (many
    workspaces); `company` is its subdomain, None when none was given or it cannot be one."""

    company: str | None


PersonQuery = Help | PersonId | Search | Unrecognised | Account | Setup


def parse_person_query(text: str, company_domain: str) -> PersonQuery:
    """`/person` text: help, a positive id, a person link (bare or as Slack wraps it), a search.

    Unrecognised: numbers that are not a positive id, links that are not to one of this
    company's persons, Slack tokens (`<!channel>`, `<@U123>`), and terms too short or too long
    to search for.
    """
    text = text.strip()
    if len(text) > QUERY_TEXT_MAX:
        return Unrecognised(text)
    if not text or text.lower() in ("help", "?"):
        return Help()
    if text.lower() in ("status", "disconnect"):
        return Account("status" if text.lower() == "status" else "disconnect")
    command, _, rest = text.partition(" ")
    if command.lower() == "setup":
        wrapped = _SLACK_LINK.match(rest.strip())  # a pasted URL, as Slack wraps it
        return Setup(company_subdomain(wrapped.group(1) if wrapped else rest))
    if _DIGITS.match(text):
        person_id = _person_id(text)
        return PersonId(person_id) if person_id else Unrecognised(text)
    wrapped = _SLACK_LINK.match(text)
    target = wrapped.group(1) if wrapped else text
    if target.lower().startswith("mailto:"):  # an address Slack made into a link
        return _search(target[len("mailto:") :], original=text)
    person_id = parse_person_link(target, company_domain)
    if person_id:
        return PersonId(person_id)
    if wrapped or _NOT_AN_ID.match(text) or _LINKISH.search(text):
        return Unrecognised(text)
    return _search(text, original=text)


def parse_person_id(value: object) -> int | None:
    """A person id sent back to us (a button's value): positive decimal digits only, or None."""
    return _person_id(value) if isinstance(value, str) and _DIGITS.fullmatch(value) else None


def _search(term: str, *, original: str) -> Search | Unrecognised:
    term = " ".join(term.split())
    if len(term) > SEARCH_TERM_MAX:
        return Unrecognised(original)
    exact = is_email_address(term)
    if len(term) < (1 if exact else SEARCH_TERM_MIN):
        return Unrecognised(original)
    return Search(term, exact=exact)


def is_email_address(term: str) -> bool:
    """name@domain.tld: one "@", a dot inside the domain, no spaces or "<", ">" (linear time)."""
    local, at, domain = term.partition("@")
    return (
        bool(local and at)
        and "@" not in domain
        and "." in domain[1:-1]
        and not any(char.isspace() or char in "<>" for char in term)
    )


def _person_id(digits: str) -> int | None:
    value = int(digits)
    return value if 0 < value <= MAX_PERSON_ID else None


def parse_search_term(text: object) -> Search | None:
    """Text typed into a person picker as a search (an email address exactly), or None when
    it is too short or too long to search for."""
    if not isinstance(text, str):
        return None
    found = _search(text, original=text)
    return found if isinstance(found, Search) else None
