"""Only requests signed by Slack, recently, get anything done."""

from __future__ import annotations

import json
import time

import pytest

from devkit.harness import AppProcess, SlackSender, StandIns


def test_url_verification_echoes_the_challenge(slack: SlackSender) -> None:
    challenge = {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    body = json.dumps(challenge)
    response = slack.post_signed(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"X-Slack-Request-Timestamp": "now"}, id="missing-signature"),
        pytest.param({"X-Slack-Signature": "v0=" + "0" * 64}, id="forged-no-timestamp"),
        pytest.param(
            {"X-Slack-Request-Timestamp": "1.7e9", "X-Slack-Signature": "v0=0"}, id="odd-timestamp"
        ),
    ],
)
def test_unsigned_commands_are_refused(
    slack: SlackSender, standins: StandIns, headers: dict[str, str]
) -> None:
    before = standins.pipedrive.count()
    body = slack.command_body("1", "unsigned")
    response = slack.post(body, "application/x-www-form-urlencoded", headers)
    assert response.status_code == 401
    assert standins.pipedrive.count() == before


def test_forged_signature_is_refused(slack: SlackSender, standins: StandIns) -> None:
    before = standins.pipedrive.count()
    body = slack.command_body("1", "forged")
    headers = slack.signed_headers(body, "application/x-www-form-urlencoded")
    headers["X-Slack-Signature"] = headers["X-Slack-Signature"][:-4] + "beef"
    assert slack.post(body, "application/x-www-form-urlencoded", headers).status_code == 401
    assert standins.pipedrive.count() == before


def test_body_changed_after_signing_is_refused(slack: SlackSender, standins: StandIns) -> None:
    before = standins.pipedrive.count()
    signed = slack.command_body("1", "tampered")
    headers = slack.signed_headers(signed, "application/x-www-form-urlencoded")
    tampered = slack.command_body("2", "tampered")
    assert slack.post(tampered, "application/x-www-form-urlencoded", headers).status_code == 401
    assert standins.pipedrive.count() == before


def test_wrong_secret_is_refused(app: AppProcess, standins: StandIns) -> None:
    before = standins.pipedrive.count()
    stranger = SlackSender(app.url, standins.slack, secret="not-the-signing-secret")
    assert stranger.command("1", "wrong-secret").status_code == 401
    assert stranger.event({"type": "link_shared", "links": []}).status_code == 401
    assert standins.pipedrive.count() == before


def test_ten_minute_old_request_is_a_replay(slack: SlackSender, standins: StandIns) -> None:
    before = standins.pipedrive.count()
    old = int(time.time()) - 600
    assert slack.command("1", "replayed", timestamp=old).status_code == 401
    assert standins.pipedrive.count() == before
    assert standins.slack.responses("replayed") == []
