"""Slack's Block Kit limits for messages (docs.slack.dev/reference/block-kit), in characters."""

MESSAGE_BLOCKS_MAX = 50
HEADER_TEXT_MAX = 150
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
IMAGE_URL_MAX = 3000
ALT_TEXT_MAX = 2000
