from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from blocks import (
    Message,
    auth_failed_message,
    builder_url,
    failure_message,
    forbidden_message,
    invalid_input_message,
    not_found_message,
    person_card,
    preview,
    rate_limited_message,
    unavailable_message,
    unexpected_error_message,
    usage_message,
)
from bot.pipedrive.errors import (
    PersonNotFound,
    PipedriveAuthError,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from tests.blockkit import assert_no_injection, assert_valid_blocks
from tests.blocks.seed import seed_person


def checked(message: Message) -> str:
    """The message's wording, after checking it is valid Block Kit with nothing injected."""
    assert_valid_blocks(message.blocks)
    assert_no_injection(message.blocks, ["<!channel>"], text=message.text)
    assert message.as_kwargs() == {"text": message.text, "blocks": message.blocks}
    return preview(message.blocks)


def test_usage_shows_every_way_to_ask() -> None:
    wording = checked(usage_message())
    assert "/person 123" in wording
    assert "/person https://acme.pipedrive.com/person/123" in wording
    assert "/person jane@acme.com" in wording
    assert "search by name, email or phone" in wording
    assert "not available yet" not in wording


def test_invalid_input_echoes_the_input_escaped_and_clipped() -> None:
    message = invalid_input_message("<!channel> " + "x" * 500)
    wording = checked(message)
    assert "&lt;!channel&gt;" in message.text
    assert "x" * 100 not in wording
    assert "person id" in wording and "link" in wording
    assert "name, email or phone" in wording


def test_blank_input_gets_the_usage() -> None:
    assert invalid_input_message("  ") == usage_message()


def test_not_found_names_the_person() -> None:
    assert "person 42" in checked(not_found_message(42))


def test_auth_failed_points_at_the_token_setting() -> None:
    assert "PIPEDRIVE_API_TOKEN" in checked(auth_failed_message())


def test_forbidden_says_the_token_may_not_read_the_person() -> None:
    assert "may not have access" in checked(forbidden_message())


@pytest.mark.parametrize(("retry_after", "shown"), [(2.1, "3 s"), (0, "1 s"), (-5, "1 s")])
def test_rate_limited_says_when_to_try_again(retry_after: float, shown: str) -> None:
    assert f"try again in {shown}" in checked(
        rate_limited_message(retry_after, daily_budget_spent=False)
    )


def test_rate_limited_without_a_usable_delay_says_later() -> None:
    wording = checked(rate_limited_message(float("inf"), daily_budget_spent=False))
    assert "try again later" in wording


def test_rate_limited_for_the_day_says_tomorrow() -> None:
    wording = checked(rate_limited_message(30, daily_budget_spent=True))
    assert "daily Pipedrive API budget" in wording
    assert "tomorrow" in wording


def test_unavailable_asks_to_try_again() -> None:
    assert "try again in a moment" in checked(unavailable_message())


def test_unexpected_error_gives_the_reference() -> None:
    assert "ab12cd" in checked(unexpected_error_message("ab12cd"))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PersonNotFound(42), not_found_message(42)),
        (PipedriveNotFound("gone"), not_found_message(7)),
        (PipedriveAuthError("401"), auth_failed_message()),
        (PipedriveForbidden("403"), forbidden_message()),
        (PipedriveRateLimited("429", 1.5), rate_limited_message(1.5, daily_budget_spent=False)),
        (PipedriveUnavailable("503"), unavailable_message()),
        (PipedriveError("odd"), unexpected_error_message("ref-1")),
        (RuntimeError("bug"), unexpected_error_message("ref-1")),
    ],
)
def test_failure_message_maps_each_error(error: Exception, expected: Message) -> None:
    message = failure_message(error, person_id=7, reference="ref-1")
    checked(message)
    assert message == expected


def test_failure_message_without_a_person_id() -> None:
    message = failure_message(PipedriveNotFound("gone"), person_id=None, reference="ref-1")
    assert "that person" in checked(message)


def test_builder_url_round_trips_the_blocks() -> None:
    blocks = person_card(seed_person(), company_domain="acme")
    url = builder_url(blocks)
    prefix = "https://app.slack.com/block-kit-builder#"
    assert url.startswith(prefix)
    assert json.loads(unquote(url.removeprefix(prefix))) == {"blocks": blocks}


def test_preview_renders_the_seed_card_readably() -> None:
    blocks = person_card(seed_person(), company_domain="acme")
    assert_valid_blocks(blocks)
    text = preview(blocks)
    assert text.startswith("Will Smith\n==========\n")
    assert "Email: 12345@email.com (work)" in text
    assert "Phone: 12345 (work)" in text
    assert "Organization: Org Name (https://acme.pipedrive.com/organization/1234)" in text
    assert "Fri 29 Nov 2019 11:30 UTC" in text
    assert "[Open in Pipedrive] https://acme.pipedrive.com/person/1" in text
    assert "<" not in text and "&amp;" not in text


def test_preview_unescapes_data() -> None:
    assert preview(invalid_input_message("a & <b>").blocks).startswith("“a & <b>”")
