"""The modals for acting on a person from Slack: add a note, schedule a follow-up, save a Slack
message to a person; and what each says once Pipedrive took it (or could not).

Pure functions, total over their input like the cards: every text from data is escaped and
clipped (`text.py`). A form's `private_metadata` is what the caller gives (an id and a nonce,
never contact data); its inputs' block and action ids are the constants below, which the
submission's parser reads back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.domain import Failure, NewActivity, Person, SearchHit

from .kit import Block, context, link_button, plain_text, section
from .messages import expired_form_message, failure_message
from .person_card import MOMENT_FORMAT, OPEN_ACTION_ID
from .pipedrive_links import person_url
from .text import calendar_day, clip, mrkdwn, one_line, slack_date

View = dict[str, Any]

# Callback ids of the forms (the message shortcut's is `SAVE_MESSAGE_FORM` too).
NOTE_FORM = "add_note"
FOLLOW_UP_FORM = "schedule_follow_up"
SAVE_MESSAGE_FORM = "save_to_pipedrive"
TITLES = {
    NOTE_FORM: "Add a note",
    FOLLOW_UP_FORM: "Schedule a follow-up",
    SAVE_MESSAGE_FORM: "Save to Pipedrive",
}
# Block ids and action ids of the forms' inputs.
NOTE_BLOCK, NOTE_INPUT = "note", "note_text"
PERSON_BLOCK, PERSON_PICKER = "person", "person_pick"
SUBJECT_BLOCK, SUBJECT_INPUT = "subject", "subject_text"
TYPE_BLOCK, TYPE_INPUT = "activity_type", "activity_type_pick"
DATE_BLOCK, DATE_INPUT = "due_date", "due_date_pick"
TIME_BLOCK, TIME_INPUT = "due_time", "due_time_pick"
DURATION_BLOCK, DURATION_INPUT = "duration", "duration_pick"
# Durations offered, in minutes.
DURATIONS = (15, 30, 45, 60, 90, 120)
# Slack's limits for modals (docs.slack.dev/reference/views, …/block-elements).
NOTE_MAX = 3000  # plain_text_input max_length
SUBJECT_MAX = 255
TITLE_MAX = 24
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
SEARCH_MIN = 2  # the person picker asks once this many characters are typed
NAME_MAX = 150
DEFAULT_TYPE = "call"


def loading_view(form: str) -> View:
    """What `form` shows while the person and its choices are read (a trigger lasts 3 s)."""
    reading = [section(":hourglass_flowing_sand: Reading Pipedrive…")]
    return _view(TITLES[form], reading, close="Cancel")


def note_form(person: Person, *, metadata: str, added_by: str | None = None) -> View:
    """`added_by`: the Slack user's name when the note will end by naming them."""
    blocks = [
        section(f"Note on *{_name(person)}*"),
        _note_input(initial=None),
        *_attribution(added_by),
    ]
    return _view(
        TITLES[NOTE_FORM], blocks, callback_id=NOTE_FORM, metadata=metadata, submit="Add note"
    )


def follow_up_form(
    person: Person,
    *,
    types: Mapping[str, str],
    due_date: date,
    time_zone: str,
    metadata: str,
) -> View:
    """Subject (prefilled), type, date (`due_date` first), optional time in `time_zone` (the
    user's own), optional duration."""
    subject = f"Follow up with {one_line(person.display_name) or f'Person {person.id}'}"
    type_options = [_option(name, key) for key, name in list(types.items())[:OPTIONS_MAX]]
    initial_type = next(
        (option for option in type_options if option["value"] == DEFAULT_TYPE),
        type_options[0] if type_options else None,
    )
    blocks: list[Block | None] = [
        section(f"Follow-up with *{_name(person)}*"),
        _input(
            SUBJECT_BLOCK,
            "Subject",
            {
                "type": "plain_text_input",
                "action_id": SUBJECT_INPUT,
                "initial_value": clip(subject, SUBJECT_MAX),
                "max_length": SUBJECT_MAX,
            },
        ),
        # A company without active types gets Pipedrive's default type.
        None
        if initial_type is None
        else _input(
            TYPE_BLOCK,
            "Type",
            {
                "type": "static_select",
                "action_id": TYPE_INPUT,
                "options": type_options,
                "initial_option": initial_type,
            },
        ),
        _input(
            DATE_BLOCK,
            "Date",
            {"type": "datepicker", "action_id": DATE_INPUT, "initial_date": due_date.isoformat()},
        ),
        _input(
            TIME_BLOCK,
            "Time",
            {"type": "timepicker", "action_id": TIME_INPUT},
            optional=True,
            hint=f"In your time zone, {mrkdwn(time_zone, 100)}. No time: an all-day activity.",
        ),
        _input(
            DURATION_BLOCK,
            "Duration",
            {
                "type": "static_select",
                "action_id": DURATION_INPUT,
                "options": [_option(duration_text(minutes), str(minutes)) for minutes in DURATIONS],
            },
            optional=True,
        ),
    ]
    return _view(
        TITLES[FOLLOW_UP_FORM],
        [block for block in blocks if block is not None],
        callback_id=FOLLOW_UP_FORM,
        metadata=metadata,
        submit="Schedule",
    )


def save_message_form(
    *, note: str, person: SearchHit | None, metadata: str, added_by: str | None = None
) -> View:
    """A person picker (searched as the user types; `person` preselected) and the note,
    prefilled with `note` (the message, its author, time and link)."""
    picker: dict[str, Any] = {
        "type": "external_select",
        "action_id": PERSON_PICKER,
        "placeholder": plain_text("Search by name, email or phone"),
        "min_query_length": SEARCH_MIN,
    }
    if person is not None:
        picker["initial_option"] = person_option(person)
    blocks = [
        _input(PERSON_BLOCK, "Person", picker),
        _note_input(initial=note),
        *_attribution(added_by),
    ]
    return _view(
        TITLES[SAVE_MESSAGE_FORM],
        blocks,
        callback_id=SAVE_MESSAGE_FORM,
        metadata=metadata,
        submit="Save",
    )


def person_options(hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    """The person picker's options: "Name · Organization · email", valued by person id only."""
    return [person_option(hit) for hit in hits[:OPTIONS_MAX]]


def person_option(hit: SearchHit) -> dict[str, Any]:
    parts = [one_line(hit.name) or f"Person {hit.id}", one_line(hit.organization_name)]
    parts.append(one_line(hit.primary_email))
    return _option(" · ".join(part for part in parts if part), str(hit.id))


def note_added_view(person: Person, *, company_domain: str) -> View:
    return _done_view(
        "Note added", f":memo: Added a note to *{_name(person)}*.", person, company_domain
    )


def follow_up_scheduled_view(
    person: Person, activity: NewActivity, *, type_name: str | None, company_domain: str
) -> View:
    subject = mrkdwn(one_line(activity.subject) or "Follow-up", NAME_MAX)
    kind = one_line(type_name) or one_line(activity.type)
    what = f"*{subject}*" + (f" ({mrkdwn(kind, NAME_MAX)})" if kind else "")
    when = _due(activity)
    text = f":calendar: Scheduled {what} with *{_name(person)}* for {when}."
    return _done_view("Follow-up scheduled", text, person, company_domain)


def failure_view(form: str, failure: Failure) -> View:
    """`form` could not open: why (the same words as `/person` would use)."""
    return _view(TITLES[form], failure_message(failure).blocks, close="Close")


def expired_view(form: str) -> View:
    """A submission of a form the app did not open, or no longer knows: nothing is saved."""
    return _view(TITLES.get(form, "Pipedrive"), expired_form_message().blocks, close="Close")


def message_note(*, author: str, posted: str, text: str, link: str | None) -> str:
    """A note's first draft from a Slack message (plain text, for the form to edit)."""
    parts = [f"{author} in Slack, {posted}:", text.strip()]
    if link:
        parts.append(link)
    return "\n".join(part for part in parts if part)


def duration_text(minutes: int) -> str:
    """15 → "15 min", 60 → "1 h", 90 → "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} h" if hours else "", f"{rest} min" if rest else ""]
    return " ".join(part for part in parts if part)


def _done_view(title: str, text: str, person: Person, company_domain: str) -> View:
    button = link_button(
        "Open in Pipedrive",
        action_id=OPEN_ACTION_ID,
        url=person_url(company_domain, person.id),
        value=str(person.id),
    )
    return _view(title, [section(text, accessory=button)], close="Done")


def _due(activity: NewActivity) -> str:
    if activity.due_time is None:
        # All-day: the same date everywhere.
        return calendar_day(activity.due_date)
    moment = datetime.combine(activity.due_date, activity.due_time, tzinfo=UTC)
    return slack_date(moment, MOMENT_FORMAT, moment.strftime("%a %d %b %Y %H:%M UTC"))


def _note_input(*, initial: str | None) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": NOTE_INPUT,
        "multiline": True,
        "max_length": NOTE_MAX,
        "focus_on_load": initial is None,
    }
    if initial:
        element["initial_value"] = clip(initial, NOTE_MAX)
    return _input(NOTE_BLOCK, "Note", element)


def _attribution(added_by: str | None) -> list[Block]:
    if added_by is None:
        return []
    name = mrkdwn(one_line(added_by) or "you", NAME_MAX)
    return [context([f"Pipedrive will show it ending with “— added from Slack by {name}”."])]


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label),
        "element": element,
        "optional": optional,
    }
    if hint is not None:
        block["hint"] = plain_text(hint)
    return block


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain_text(mrkdwn(text, OPTION_TEXT_MAX)), "value": value}


def _name(person: Person) -> str:
    return mrkdwn(person.display_name, NAME_MAX)


def _view(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str | None = None,
    metadata: str | None = None,
    submit: str | None = None,
    close: str = "Cancel",
) -> View:
    view: View = {"type": "modal", "title": plain_text(clip(title, TITLE_MAX)), "blocks": blocks}
    if callback_id is not None:
        view["callback_id"] = callback_id
    if metadata is not None:
        view["private_metadata"] = metadata
    if submit is not None:
        view["submit"] = plain_text(submit)
    view["close"] = plain_text(close)
    return view
