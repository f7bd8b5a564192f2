"""`PERSON_CARD_FIELDS`: which custom fields a card shows, named by field name or key."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import FieldDefinition


def names_field(wanted: str, *, key: str, name: str) -> bool:
    """Whether one `PERSON_CARD_FIELDS` entry names this field: its name in any case, or its key."""
    wanted = wanted.strip().casefold()
    return wanted in (key.casefold(), name.strip().casefold())


def unmatched_field_names(
    choice: Sequence[str], definitions: Sequence[FieldDefinition]
) -> list[str]:
    """The entries of `choice` that name no custom field in `definitions`, in their order.

    Only custom fields count: a card's Details show custom fields alone, so a built-in field
    such as "Email" named here would show nothing.
    """
    custom = [definition for definition in definitions if definition.custom]
    return [
        wanted
        for wanted in choice
        if not any(
            names_field(wanted, key=definition.key, name=definition.name) for definition in custom
        )
    ]
