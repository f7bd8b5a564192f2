"""A person as a Slack Work Object: the unfurl entity, the details pane entity and its errors.

Built with slack_sdk's models (`slack_sdk.models.metadata`), which check entity and field types
when `to_dict()` runs, and returned as plain dicts: one entity for
`chat.unfurl(metadata={"entities": [...]})`, one for `entity.presentDetails(metadata=...)`, or
the `error` for the latter.

Slack has no person entity, so a person is an `item` and everything it shows is a custom field.
Work Object strings are plain text: Slack reads a string as Markdown only when it says
`format: "markdown"`, which none of these do. So data text is not escaped ("Smith & Sons" keeps
its `&`); it is put on one line and clipped (`clip`), like every text the card shows.

An unfurl is seen by the whole conversation: a `compact` one shows only owner and organization
and never depends on the person's emails, phones, activities, deals or custom fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

from slack_sdk.models.metadata import (
    EntityActionButton,
    EntityActions,
    EntityAttributes,
    EntityCustomField,
    EntityMetadata,
    EntityPayload,
    EntityTitle,
    EntityUserField,
    ExternalRef,
)

from bot.domain import (
    Activity,
    BooleanValue,
    CardDetail,
    Contact,
    CustomField,
    DateValue,
    FieldValue,
    MoneyValue,
    NumberValue,
    OptionsValue,
    Organization,
    Person,
    PersonCard,
    PhoneValue,
    ReferenceValue,
    TextValue,
    TimeValue,
    User,
)

from .custom_fields import (
    CURRENCY_MAX,
    FIELD_NAME_MAX,
    FIELDS_SHOWN,
    TIMEZONE_MAX,
    VALUE_MAX,
    date_range_text,
    number_text,
    option_label,
    reference_label,
    reference_url,
    time_range_text,
)
from .person_card import (
    DELETED_SUFFIX,
    LABEL_MAX,
    LINES_SHOWN,
    NAME_MAX,
    OPEN_ACTION_ID,
    TEXT_MAX,
    activity_title,
)
from .pipedrive_links import person_url, pipedrive_url
from .text import clip, one_line

DetailsErrorStatus = Literal["restricted", "not_found", "internal_error", "timeout"]

ENTITY_TYPE = "slack#/entities/item"
EXTERNAL_REF_TYPE = "person"
DISPLAY_TYPE = "Person"
PRODUCT_NAME = "Pipedrive"
OPEN_ACTION_TEXT = "Open in Pipedrive"
TITLE_MAX = 150
ERROR_MESSAGE_MAX = 300
# JavaScript's largest exact integer: a bigger number travels as text, not as an integer field.
INTEGER_MAX = 2**53 - 1
# Slack checks `slack#/types/email` values, so a value unlike an address goes as a string. The
# HTML "valid e-mail address" pattern, with a dot in the domain.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+",
    re.ASCII,
)
_EMAIL_MAX = 254


def person_entity(
    card: PersonCard, *, company_domain: str, app_unfurl_url: str, detail: CardDetail
) -> dict[str, Any]:
    """The Work Object for a pasted person link, for `chat.unfurl(metadata={"entities": [...]})`.

    `app_unfurl_url`: the link exactly as Slack sent it in `link_shared`. `detail`: "compact"
    shows owner and organization only; "full" also the primary email and phone, the next
    activity and the number of open deals.
    """
    fields = (
        _compact_fields(card, company_domain)
        if detail == "compact"
        else _full_fields(card, company_domain)
    )
    return _entity(card, company_domain, fields, app_unfurl_url=app_unfurl_url)


def person_details_entity(card: PersonCard, *, company_domain: str) -> dict[str, Any]:
    """The details pane (flexpane) for one viewer, for `entity.presentDetails(metadata=...)`:
    all the full card shows, custom fields by name included."""
    return _entity(card, company_domain, _details_fields(card, company_domain))


def details_error(status: DetailsErrorStatus, message: str | None = None) -> dict[str, Any]:
    """The `error` for `entity.presentDetails(trigger_id, error=...)`: why there are no details.

    `message` (plain text, one line) goes as `custom_message`, which Slack documents for its
    custom statuses only: Slack may show its own wording for these four instead.
    """
    error: dict[str, Any] = {"status": status}
    text = one_line(message)
    if text:
        error["custom_message"] = clip(text, ERROR_MESSAGE_MAX)
    return error


def _entity(
    card: PersonCard,
    company_domain: str,
    fields: Sequence[EntityCustomField | None],
    *,
    app_unfurl_url: str | None = None,
) -> dict[str, Any]:
    person = card.person
    url = person_url(company_domain, person.id)
    shown = [field for field in fields if field is not None]
    metadata = EntityMetadata(
        entity_type=ENTITY_TYPE,
        url=url,
        app_unfurl_url=app_unfurl_url,
        external_ref=ExternalRef(id=str(person.id), type=EXTERNAL_REF_TYPE),
        entity_payload=EntityPayload(
            attributes=EntityAttributes(
                title=EntityTitle(text=_title(person)),
                display_type=DISPLAY_TYPE,
                product_name=PRODUCT_NAME,
                metadata_last_modified=_unix(person.update_time),
            ),
            custom_fields=[*shown],
            display_order=[field.key for field in shown],
            actions=EntityActions(
                primary_actions=[
                    # Carries only the person id, like the card's button of the same action id.
                    EntityActionButton(
                        text=OPEN_ACTION_TEXT,
                        action_id=OPEN_ACTION_ID,
                        url=url,
                        value=str(person.id),
                    )
                ]
            ),
        ),
    )
    entity: dict[str, Any] = metadata.to_dict()
    return entity


def _title(person: Person) -> str:
    suffix = DELETED_SUFFIX if person.is_deleted else ""
    return clip(person.display_name, TITLE_MAX - len(suffix)) + suffix


# -- which fields each entity shows -----------------------------------------------------------


def _compact_fields(card: PersonCard, company_domain: str) -> list[EntityCustomField | None]:
    # An owner without a name is "User 12" here, never their email address.
    return [
        _owner(card.owner, email_fallback=False),
        _organization(card.organization, company_domain),
    ]


def _full_fields(card: PersonCard, company_domain: str) -> list[EntityCustomField | None]:
    person = card.person
    emails = _present_contacts(person.emails)
    phones = _present_contacts(person.phones)
    return [
        _email("email", "Email", emails[0].value) if emails else None,
        _string("phone", "Phone", clip(phones[0].value, TEXT_MAX)) if phones else None,
        _owner(card.owner, email_fallback=True),
        _organization(card.organization, company_domain),
        *_next_activity(card.next_activity),
        _integer("open_deals", "Open deals", person.deals.open),
    ]


def _details_fields(card: PersonCard, company_domain: str) -> list[EntityCustomField | None]:
    person = card.person
    deals = person.deals
    job_title = one_line(person.job_title)
    address = one_line(card.organization.address) if card.organization else None
    return [
        _string("job_title", "Job title", clip(job_title, TEXT_MAX)) if job_title else None,
        *_contacts("email", "Email", "emails", person.emails),
        *_contacts("phone", "Phone", "phones", person.phones),
        _owner(card.owner, email_fallback=True),
        _organization(card.organization, company_domain),
        _string("address", "Address", clip(address, TEXT_MAX)) if address else None,
        *_next_activity(card.next_activity),
        _date("last_activity", "Last activity", card.last_activity_date),
        _integer("open_deals", "Open deals", deals.open),
        _integer("won_deals", "Won deals", deals.won),
        _integer("lost_deals", "Lost deals", deals.lost),
        *_custom_fields(card.fields, company_domain),
        _timestamp("updated", "Updated", person.update_time),
        _timestamp("added", "Added", person.add_time),
    ]


# -- the person's own records -----------------------------------------------------------------


def _present_contacts(contacts: Sequence[Contact]) -> list[Contact]:
    """Non-blank contacts on one line each, the primary ones first, else in their order."""
    present = [
        contact.model_copy(update={"value": value})
        for contact in contacts
        if (value := one_line(contact.value)) is not None
    ]
    return sorted(present, key=lambda contact: not contact.primary)


def _contacts(
    key: str, label: str, more_key: str, contacts: Sequence[Contact]
) -> list[EntityCustomField | None]:
    """One field per email or phone ("Email (work)"), at most `LINES_SHOWN`, then "+N more"."""
    present = _present_contacts(contacts)
    shown = present[:LINES_SHOWN]
    fields: list[EntityCustomField | None] = []
    for n, contact in enumerate(shown, start=1):
        field_key = key if n == 1 else f"{key}_{n}"
        kind = one_line(contact.label)
        field_label = f"{label} ({clip(kind, LABEL_MAX)})" if kind else label
        if key == "email":
            fields.append(_email(field_key, field_label, contact.value))
        else:
            fields.append(_string(field_key, field_label, clip(contact.value, TEXT_MAX)))
    hidden = len(present) - len(shown)
    if hidden:
        fields.append(_string(more_key, f"More {more_key}", f"+{hidden} more in Pipedrive"))
    return fields


def _owner(owner: User | None, *, email_fallback: bool) -> EntityCustomField | None:
    if owner is None:
        return None
    email = one_line(owner.email) if email_fallback else None
    name = one_line(owner.name) or email or f"User {owner.id}"
    return EntityCustomField(
        key="owner",
        label="Owner",
        type="slack#/types/user",
        user=EntityUserField(text=clip(name, NAME_MAX)),
    )


def _organization(org: Organization | None, company_domain: str) -> EntityCustomField | None:
    if org is None:
        return None
    name = one_line(org.name) or f"Organization {org.id}"
    url = pipedrive_url(company_domain, "organization", org.id)
    return _string("organization", "Organization", clip(name, NAME_MAX), link=url)


def _next_activity(activity: Activity | None) -> list[EntityCustomField | None]:
    """What the next activity is ("Call about the renewal (Call)") and when it is due: a
    moment every reader sees in their own time zone, or an all-day activity's date as is."""
    if activity is None:
        return []
    what = _string("next_activity", "Next activity", activity_title(activity, clip))
    due: EntityCustomField | None
    if activity.due_at is not None:
        due = _timestamp("next_activity_due", "Due", activity.due_at) or _string(
            "next_activity_due", "Due", activity.due_at.strftime("%a %d %b %Y %H:%M UTC")
        )
    else:
        due = _date("next_activity_due", "Due", activity.due_date)
    return [what, due]


def _custom_fields(
    fields: Sequence[CustomField], company_domain: str
) -> list[EntityCustomField | None]:
    """The person's custom fields by name (at most `FIELDS_SHOWN`, then "+N more")."""
    present = [
        entity_field
        for n, field in enumerate(fields, start=1)
        if (entity_field := _custom_field(f"field_{n}", field, company_domain)) is not None
    ]
    shown = present[:FIELDS_SHOWN]
    hidden = len(present) - len(shown)
    more = _string("more_fields", "More fields", f"+{hidden} more in Pipedrive") if hidden else None
    return [*shown, more]


def _custom_field(key: str, field: CustomField, company_domain: str) -> EntityCustomField | None:
    """One custom field as the closest Work Object type, or None when it has nothing to show."""
    label = clip(one_line(field.name) or "Unnamed field", FIELD_NAME_MAX)
    value: FieldValue = field.value
    match value:
        case TextValue(text=text) | PhoneValue(number=text):
            shown = one_line(text)
            return _string(key, label, clip(shown, VALUE_MAX)) if shown else None
        case NumberValue(number=number):
            return _number(key, label, number)
        case MoneyValue(amount=amount, currency=currency):
            code = one_line(currency)
            amount_text = number_text(amount)
            return _string(
                key, label, f"{amount_text} {clip(code, CURRENCY_MAX)}" if code else amount_text
            )
        case BooleanValue(value=flag):
            return EntityCustomField(
                key=key,
                label=label,
                type="boolean",
                value=flag,
                # A dict: slack_sdk 3.48's EntityBooleanTextField sends its texts as lists.
                boolean={"type": "text", "true_text": "Yes", "false_text": "No"},
            )
        case DateValue(start=start, end=None):
            return _date(key, label, start)
        case DateValue():
            return _string(key, label, date_range_text(value))
        case TimeValue(timezone=timezone):
            zone = one_line(timezone)
            shown = time_range_text(value)
            return _string(key, label, f"{shown} ({clip(zone, TIMEZONE_MAX)})" if zone else shown)
        case OptionsValue(options=options):
            shown = ", ".join(option_label(option) for option in options)
            return _string(key, label, clip(shown, VALUE_MAX)) if shown else None
        case ReferenceValue():
            name = clip(reference_label(value), NAME_MAX)
            return _string(key, label, name, link=reference_url(value, company_domain))
    return None


# -- one field of each type -------------------------------------------------------------------


def _string(key: str, label: str, value: str, *, link: str | None = None) -> EntityCustomField:
    return EntityCustomField(key=key, label=label, type="string", value=value, link=link)


def _email(key: str, label: str, address: str) -> EntityCustomField:
    """An email field, or a string when Slack would not take the value as an address."""
    if len(address) <= _EMAIL_MAX and _EMAIL.fullmatch(address):
        return EntityCustomField(key=key, label=label, type="slack#/types/email", value=address)
    return _string(key, label, clip(address, TEXT_MAX))


def _integer(key: str, label: str, count: int | None) -> EntityCustomField | None:
    if count is None:
        return None
    return EntityCustomField(key=key, label=label, type="integer", value=count)


def _number(key: str, label: str, number: Decimal) -> EntityCustomField:
    """A whole number as an integer field; a fraction or a huge one as text ("1,234.5")."""
    if number.is_finite() and abs(number) <= INTEGER_MAX and number == number.to_integral_value():
        return EntityCustomField(key=key, label=label, type="integer", value=int(number))
    return _string(key, label, number_text(number))


def _date(key: str, label: str, day: date | None) -> EntityCustomField | None:
    """A calendar date (YYYY-MM-DD), the same in every time zone."""
    if day is None:
        return None
    return EntityCustomField(key=key, label=label, type="slack#/types/date", value=day.isoformat())


def _timestamp(key: str, label: str, moment: datetime | None) -> EntityCustomField | None:
    """A moment each reader sees in their own time zone; None when unknown or before 1970."""
    seconds = _unix(moment)
    if seconds is None:
        return None
    return EntityCustomField(key=key, label=label, type="slack#/types/timestamp", value=seconds)


def _unix(moment: datetime | None) -> int | None:
    """Unix seconds; a naive moment is UTC, as every Pipedrive time is. None before 1970."""
    if moment is None:
        return None
    aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)
    seconds = math.floor(aware.timestamp())
    return seconds if seconds >= 0 else None
