from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from blocks import (
    Message,
    auth_failed_message,
    bad_request_message,
    builder_url,
    failure_message,
    forbidden_message,
    invalid_input_message,
    not_found_message,
    person_card,
    preview,
    rate_limited_message,
    setup_message,
    unavailable_message,
    unexpected_error_message,
    usage_message,
    write_failed_text,
)
from bot.domain import Failure, FailureKind
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
    assert "/person status" not in wording and "/person setup" not in wording


def test_usage_names_the_connection_commands_with_per_user_connections() -> None:
    wording = checked(usage_message(connections=True))
    assert "/person status" in wording and "/person disconnect" in wording
    assert "/person setup" not in wording
    assert "/person setup acme" in checked(usage_message(connections=True, setup=True))


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        ("usage", "/person setup acme"),
        ("fixed", "initech.pipedrive.com, set by its PIPEDRIVE_COMPANY_DOMAIN"),
        ("not_admin", "Only a workspace admin or owner"),
        ("bound", "This workspace reads initech.pipedrive.com"),
        ("already_bound", "already reads initech.pipedrive.com"),
    ],
)
def test_setup_answers(outcome: str, said: str) -> None:
    assert said in checked(setup_message(outcome, "initech"))  # type: ignore[arg-type]


def test_setup_escapes_the_company_it_names() -> None:
    message = setup_message("bound", "<!channel>")
    assert "<!channel>" not in message.text and "&lt;!channel&gt;" in message.text


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


@pytest.mark.parametrize(
    ("retry_after", "shown"),
    [(2.1, "in 3 s"), (0, "in 1 s"), (59.5, "in 60 s"), (125, "in 3 min"), (3000, "in 50 min")],
)
def test_rate_limited_says_when_to_try_again(retry_after: float, shown: str) -> None:
    assert f"try again {shown}." in checked(rate_limited_message(retry_after))


@pytest.mark.parametrize("retry_after", [None, float("inf"), float("nan"), -5])
def test_rate_limited_without_a_usable_delay_says_in_a_moment(retry_after: float | None) -> None:
    assert "try again in a moment." in checked(rate_limited_message(retry_after))


def test_rate_limited_never_speaks_of_a_daily_budget() -> None:
    # Pipedrive documents no signal for a spent daily budget: a 429 is always "busy".
    for retry_after in (None, 1, 3600, 86400):
        wording = checked(rate_limited_message(retry_after))
        assert "daily" not in wording and "tomorrow" not in wording


def test_unavailable_asks_to_try_again() -> None:
    assert "try again in a moment" in checked(unavailable_message())


def test_unexpected_error_gives_the_reference() -> None:
    assert "ab12cd" in checked(unexpected_error_message("ab12cd"))


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (Failure(FailureKind.NOT_FOUND, person_id=42), not_found_message(42)),
        (Failure(FailureKind.AUTH), auth_failed_message()),
        (Failure(FailureKind.FORBIDDEN), forbidden_message()),
        (Failure(FailureKind.RATE_LIMITED, retry_after=1.5), rate_limited_message(1.5)),
        (Failure(FailureKind.UNAVAILABLE), unavailable_message()),
        (Failure(FailureKind.BAD_REQUEST), bad_request_message()),
        (Failure(FailureKind.BUG, reference="ref-1"), unexpected_error_message("ref-1")),
    ],
)
def test_failure_message_words_each_failure(failure: Failure, expected: Message) -> None:
    message = failure_message(failure)
    checked(message)
    assert message == expected


def test_every_kind_of_failure_has_its_wording() -> None:
    for kind in FailureKind:
        assert checked(failure_message(Failure(kind, reference="ref-1")))


def test_failure_message_without_a_person_id() -> None:
    message = failure_message(Failure(FailureKind.NOT_FOUND))
    assert "that person" in checked(message)


def test_a_bad_request_is_not_called_a_bug_of_ours() -> None:
    wording = checked(failure_message(Failure(FailureKind.BAD_REQUEST, reference="ref-1")))
    assert "invalid" in wording and "on my side" not in wording and "ref-1" not in wording


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


def test_a_missing_scope_says_which_scopes_and_how_to_add_them() -> None:
    wording = checked(failure_message(Failure(FailureKind.MISSING_SCOPE)))
    assert "`contacts:full`" in wording and "`activities:full`" in wording
    assert "Developer Hub" in wording and "reconnect" in wording


@pytest.mark.parametrize("kind", list(FailureKind))
def test_every_write_failure_is_plain_text_saying_whether_anything_was_saved(
    kind: FailureKind,
) -> None:
    said = write_failed_text(Failure(kind, retry_after=3, reference="ref-9"), "note")
    assert said.strip() and "`" not in said and "*" not in said
    assert "saved" in said
    if kind in (FailureKind.UNAVAILABLE, FailureKind.BUG):
        assert "may" in said  # a write that may have landed is never called unsaved
    else:
        assert "Nothing was saved; your note is still here." in said


def test_write_failures_say_when_and_how() -> None:
    busy = write_failed_text(Failure(FailureKind.RATE_LIMITED, retry_after=3), "follow-up")
    assert "try again in 3 s" in busy.lower()
    scope = write_failed_text(Failure(FailureKind.MISSING_SCOPE), "note")
    assert "contacts:full" in scope and "activities:full" in scope and "Developer Hub" in scope
    assert "ref-9" in write_failed_text(Failure(FailureKind.BUG, reference="ref-9"), "note")
