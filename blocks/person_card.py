"""The person card: a Person in, Block Kit out.

Total over its input: any Person, however sparse, huge or hostile, gives valid Block Kit within
Slack's limits. Data text is escaped once (`mrkdwn`); long text ends in "…", long lists in
"+N more".

Every card links to the person in Pipedrive. The `/person` card (seen only by who asked) also
has Share, Refresh, Add note and Schedule follow-up buttons; a shared copy says who shared it; a
`compact` card (unfurls where the whole card would say too much) shows only name, picture,
owner and organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.domain import Activity, CardDetail, Contact, Organization, Person, PersonCard, User

from .custom_fields import details_blocks
from .kit import Block, actions, button, context, header, image, link_button, section
from .limits import ALT_TEXT_MAX, FIELD_TEXT_MAX, HEADER_TEXT_MAX, IMAGE_URL_MAX
from .pipedrive_links import person_url, pipedrive_url
from .text import calendar_day, cap_lines, mailto, mrkdwn, one_line, slack_date, tel, url_link

DELETED_SUFFIX = " (deleted)"
LINES_SHOWN = 5  # per field: a long list of emails or phones ends in "+N more"
CONTACT_LINE_MAX = 400
LABEL_MAX = 50
NAME_MAX = 150
TEXT_MAX = 300
MOMENT_FORMAT = "{date_short_pretty} at {time}"
OVERDUE_MARK = " · :warning: *overdue*"
OPEN_ACTION_ID = "open_in_pipedrive"
SHARE_ACTION_ID = "share_person"
REFRESH_ACTION_ID = "refresh_person"
ADD_NOTE_ACTION_ID = "add_note"
FOLLOW_UP_ACTION_ID = "schedule_follow_up"
# Slack's user ids ("U…", or "W…" on Enterprise Grid): the only shape a mention is built from.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")  # RFC 3986, already encoded


def person_card(
    card: PersonCard,
    *,
    company_domain: str,
    now: datetime | None = None,
    detail: CardDetail = "full",
    actions: bool = False,
    shared_by: str | None = None,
    fetched_at: datetime | None = None,
) -> list[Block]:
    """The card; `now` (default: the current time) decides whether the next activity is overdue.

    `detail`: "compact" shows only the name, picture, owner, organization and the link: no
    emails, phones, job title, address, activities, deals, custom fields or update times.
    `actions`: Share, Refresh, Add note and Schedule follow-up buttons beside "Open in
    Pipedrive" (the `/person` card only; a card with `shared_by` never offers Share, Add note
    or Schedule follow-up). `shared_by`: the Slack user id of who shared this copy into the
    conversation. `fetched_at`: when the person was read (after a Refresh).
    """
    now = now or datetime.now(UTC)
    compact = detail == "compact"
    person = card.person
    blocks = [
        header(_title(person)),
        _deleted_notice(person),
        _profile(card, company_domain, now, compact=compact),
        *([] if compact else details_blocks(card.fields, company_domain=company_domain)),
        _buttons(
            person,
            company_domain,
            share=actions and shared_by is None,
            refresh=actions,
            write=actions and shared_by is None,
        ),
        None if compact else _footer(person),
        _provenance(shared_by, fetched_at),
    ]
    return [block for block in blocks if block is not None]


def person_card_text(card: PersonCard) -> str:
    """The notification text sent with the card, e.g. "Will Smith · Org Name"."""
    person = card.person
    name = mrkdwn(person.display_name, NAME_MAX) + (DELETED_SUFFIX if person.is_deleted else "")
    org_name = one_line(card.organization.name) if card.organization else None
    return f"{name} · {mrkdwn(org_name, NAME_MAX)}" if org_name else name


def _title(person: Person) -> str:
    suffix = DELETED_SUFFIX if person.is_deleted else ""
    return mrkdwn(person.display_name, HEADER_TEXT_MAX - len(suffix)) + suffix


def _deleted_notice(person: Person) -> Block | None:
    if not person.is_deleted:
        return None
    return context([":wastebasket: This person was deleted in Pipedrive."])


def _profile(
    card: PersonCard, company_domain: str, now: datetime, *, compact: bool
) -> Block | None:
    """The person's details beside their picture; `compact`: only owner and organization."""
    person = card.person
    job_title = None if compact else one_line(person.job_title)
    text = mrkdwn(job_title, TEXT_MAX) if job_title else None
    owner = _field("Owner", _owner_lines(card.owner))
    organization = _field(
        "Organization", _organization_lines(card.organization, company_domain, address=not compact)
    )
    candidates = (
        (owner, organization)
        if compact
        else (
            _contacts_field("Email", person.emails, mailto),
            _contacts_field("Phone", person.phones, tel),
            owner,
            organization,
            _field("Next activity", _activity_lines(card.next_activity, now)),
            _field("Last activity", [_day(card.last_activity_date)]),
            _field("Deals", _deal_lines(person)),
        )
    )
    fields = [field for field in candidates if field is not None]
    photo = _photo(card)
    if text is None and not fields:
        if photo is None:
            return None
        text = mrkdwn(
            person.display_name, NAME_MAX
        )  # a section needs text or fields beside its image
    return section(text, fields=fields, accessory=photo)


def _field(label: str, lines: Sequence[str | None]) -> str | None:
    """A labelled section field of the given lines, None when there are none."""
    present = [line for line in lines if line]
    if not present:
        return None
    heading = f"*{label}*\n"
    return heading + cap_lines(present, limit=FIELD_TEXT_MAX - len(heading), max_lines=LINES_SHOWN)


def _contacts_field(
    label: str, contacts: Sequence[Contact], link: Callable[[str], str | None]
) -> str | None:
    primary_first = sorted(contacts, key=lambda contact: not contact.primary)
    return _field(label, [_contact_line(contact, link) for contact in primary_first])


def _contact_line(contact: Contact, link: Callable[[str], str | None]) -> str | None:
    value = one_line(contact.value)
    if value is None:
        return None
    linked = link(value)
    shown = (
        linked if linked and len(linked) <= CONTACT_LINE_MAX else mrkdwn(value, CONTACT_LINE_MAX)
    )
    label = one_line(contact.label)
    return f"{shown} ({mrkdwn(label, LABEL_MAX)})" if label else shown


def _owner_lines(owner: User | None) -> list[str | None]:
    if owner is None:
        return []
    name = one_line(owner.name) or one_line(owner.email) or f"User {owner.id}"
    return [mrkdwn(name, NAME_MAX)]


def _organization_lines(
    org: Organization | None, company_domain: str, *, address: bool = True
) -> list[str | None]:
    if org is None:
        return []
    name = one_line(org.name) or f"Organization {org.id}"
    street = one_line(org.address) if address else None
    return [
        url_link(pipedrive_url(company_domain, "organization", org.id), name, limit=NAME_MAX),
        mrkdwn(street, TEXT_MAX) if street else None,
    ]


def _activity_lines(activity: Activity | None, now: datetime) -> list[str | None]:
    if activity is None:
        return []
    due = _due(activity)
    if due and activity.is_overdue(now):
        due += OVERDUE_MARK
    return [activity_title(activity, mrkdwn), due]


def activity_title(activity: Activity, text: Callable[[str, int], str]) -> str:
    """ "Call about the renewal (Call)": its subject and type, each through `text` (`mrkdwn` for
    Block Kit, `clip` for plain text) with its limit; "Activity 12" when it has neither."""
    subject = one_line(activity.subject)
    kind = one_line(activity.type_name) or one_line(activity.type)
    what = [text(subject, TEXT_MAX)] if subject else []
    if kind:
        what.append(f"({text(kind, LABEL_MAX)})")
    return " ".join(what) or f"Activity {activity.id}"


def _due(activity: Activity) -> str | None:
    if activity.due_at is not None:
        return _moment(activity.due_at)
    # All-day: the date is the same everywhere, so it is shown as is, not as a moment.
    return _day(activity.due_date)


def _deal_lines(person: Person) -> list[str | None]:
    deals = person.deals
    counts = [(deals.open, "open"), (deals.won, "won"), (deals.lost, "lost")]
    return [" · ".join(f"{count} {state}" for count, state in counts if count is not None)]


def _photo(card: PersonCard) -> dict[str, Any] | None:
    url = card.picture.best_url() if card.picture else None
    if url is None or not _is_image_url(url):
        return None
    return image(url, alt_text=mrkdwn(f"Photo of {card.person.display_name}", ALT_TEXT_MAX))


def _is_image_url(url: str) -> bool:
    if len(url) > IMAGE_URL_MAX or not _URL_CHARS.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


def _buttons(
    person: Person, company_domain: str, *, share: bool, refresh: bool, write: bool
) -> Block:
    # Each button carries only the person id; anything else is read again when clicked.
    value = str(person.id)
    elements = [
        link_button(
            "Open in Pipedrive",
            action_id=OPEN_ACTION_ID,
            url=person_url(company_domain, person.id),
            value=value,
        )
    ]
    if share:
        elements.append(button("Share in channel", action_id=SHARE_ACTION_ID, value=value))
    if refresh:
        elements.append(button("Refresh", action_id=REFRESH_ACTION_ID, value=value))
    if write:
        elements.append(button("Add note", action_id=ADD_NOTE_ACTION_ID, value=value))
        elements.append(button("Schedule follow-up", action_id=FOLLOW_UP_ACTION_ID, value=value))
    return actions(elements)


def _provenance(shared_by: str | None, fetched_at: datetime | None) -> Block | None:
    parts = []
    if shared_by is not None:
        # Slack's own user id from the click, never data; any other shape is left unnamed.
        parts.append(
            f"Shared by <@{shared_by}>" if _USER_ID.fullmatch(shared_by) else "Shared from Slack"
        )
    if fetched_at is not None:
        parts.append(f"Fetched from Pipedrive {_moment(fetched_at)}")
    return context([" · ".join(parts)]) if parts else None


def _footer(person: Person) -> Block | None:
    moments = [("Updated", person.update_time), ("Added", person.add_time)]
    parts = [f"{what} {_moment(moment)}" for what, moment in moments if moment is not None]
    return context([" · ".join(parts)]) if parts else None


def _moment(moment: datetime) -> str:
    # All API times are UTC, so a naive one is UTC too.
    aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    return slack_date(aware, MOMENT_FORMAT, aware.strftime("%a %d %b %Y %H:%M %Z"))


def _day(day: date | None) -> str | None:
    return calendar_day(day) if day else None
