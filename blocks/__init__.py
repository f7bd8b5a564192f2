"""Block Kit and Work Objects for the app: pure functions from the domain model to Slack
messages and entity metadata, no I/O."""

from .answers import answer_message, card_message
from .builder import builder_url
from .connect import (
    CONNECT_ACTION_ID,
    access_refused_message,
    connect_message,
    connected_message,
    disconnected_message,
    shared_token_message,
    status_message,
)
from .images import has_images, without_images
from .message import Message
from .messages import (
    auth_failed_message,
    bad_request_message,
    failure_message,
    forbidden_message,
    in_about,
    invalid_card_button_message,
    invalid_input_message,
    no_match_message,
    not_found_message,
    rate_limited_message,
    share_failed_message,
    stale_button_message,
    unavailable_message,
    unexpected_error_message,
    usage_message,
)
from .person_card import (
    OPEN_ACTION_ID,
    REFRESH_ACTION_ID,
    SHARE_ACTION_ID,
    person_card,
    person_card_text,
)
from .pipedrive_links import person_url
from .preview import preview
from .search_results import SHOW_PERSON_ACTION_ID, search_results_message
from .text import clip, escape, mrkdwn
from .work_object import (
    DetailsErrorStatus,
    details_error,
    person_details_entity,
    person_entity,
)

__all__ = [
    "CONNECT_ACTION_ID",
    "connect_message",
    "connected_message",
    "disconnected_message",
    "access_refused_message",
    "shared_token_message",
    "status_message",
    "OPEN_ACTION_ID",
    "REFRESH_ACTION_ID",
    "SHARE_ACTION_ID",
    "SHOW_PERSON_ACTION_ID",
    "DetailsErrorStatus",
    "Message",
    "answer_message",
    "auth_failed_message",
    "bad_request_message",
    "card_message",
    "in_about",
    "builder_url",
    "clip",
    "details_error",
    "escape",
    "failure_message",
    "forbidden_message",
    "has_images",
    "invalid_card_button_message",
    "invalid_input_message",
    "mrkdwn",
    "no_match_message",
    "not_found_message",
    "person_card",
    "person_card_text",
    "person_details_entity",
    "person_entity",
    "person_url",
    "preview",
    "rate_limited_message",
    "search_results_message",
    "share_failed_message",
    "stale_button_message",
    "unavailable_message",
    "unexpected_error_message",
    "usage_message",
    "without_images",
]
