"""Only requests signed by Slack, recently, get anything done."""

from __future__ import annotations

import json
import time

import pytest
from slack_sdk.signature import SignatureVerifier

from devkit.harness import SIGNING_SECRET, AppProcess, SlackSender, StandIns
from devkit.signing import signed_headers


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


# Bodies anyone can post to the public URL: none may cost a 500 or a traceback.
HOSTILE_BODIES: list[tuple[str, bytes, str]] = [
    ("bad-json", b'{"type": "event_callback", ', "application/json"),
    ("json-array", b"[1, 2, 3]", "application/json"),
    ("json-string", b'"hello"', "application/json"),
    ("json-null", b"null", "application/json"),
    ("json-number", b"42", "application/json"),
    ("deep-nesting", b"[" * 50_000 + b"]" * 50_000, "application/json"),
    ("deep-object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    ("invalid-utf8", b'{"type": "\xff\xfe"}', "application/json"),
    ("bogus-charset", b'{"type": "x"}', "application/json; charset=bogus-8"),
    ("broken-payload", b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    ("payload-array", b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
    ("payload-string", b"payload=%22x%22", "application/x-www-form-urlencoded"),
    ("form-garbage", b"%%%&&&===", "application/x-www-form-urlencoded"),
    ("empty", b"", "application/json"),
    ("event-string", b'{"type": "event_callback", "event": "link_shared"}', "application/json"),
    ("event-list", b'{"type": "event_callback", "event": [1]}', "application/json"),
    (
        "actions-empty",
        b'payload={"type":"block_actions","actions":[]}',
        "application/x-www-form-urlencoded",
    ),
    (
        "actions-object",
        b'payload={"type":"block_actions","actions":{"a":1}}',
        "application/x-www-form-urlencoded",
    ),
    (
        "actions-string",
        b'payload={"type":"block_actions","actions":"x"}',
        "application/x-www-form-urlencoded",
    ),
    (
        "action-not-object",
        b'payload={"type":"block_actions","actions":["x"]}',
        "application/x-www-form-urlencoded",
    ),
    (
        "view-string",
        b'payload={"type":"view_submission","view":"x"}',
        "application/x-www-form-urlencoded",
    ),
    ("binary", bytes(range(256)), "application/octet-stream"),
]


UNHANDLED = {"bogus-charset", "form-garbage", "empty"}


@pytest.mark.parametrize(
    ("name", "body", "content_type"), HOSTILE_BODIES, ids=[name for name, _, _ in HOSTILE_BODIES]
)
def test_an_unsigned_hostile_body_is_refused_before_it_is_parsed(
    slack: SlackSender, app: AppProcess, name: str, body: bytes, content_type: str
) -> None:
    response = slack.http.post(
        f"{app.url}/slack/events", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("name", "body", "content_type"), HOSTILE_BODIES, ids=[name for name, _, _ in HOSTILE_BODIES]
)
def test_a_signed_malformed_body_gets_a_400_and_one_log_line(
    slack: SlackSender, app: AppProcess, name: str, body: bytes, content_type: str
) -> None:
    headers = signed_headers(SIGNING_SECRET, body, content_type)
    lines_before = len(app.log().splitlines())
    response = slack.http.post(f"{app.url}/slack/events", content=body, headers=headers)
    # Well formed but nothing the app handles: Bolt's own 404; anything else malformed: 400.
    assert response.status_code == (404 if name in UNHANDLED else 400)
    new = app.log().splitlines()[lines_before:]
    assert not any("Traceback" in line for line in new), new


def test_no_hostile_body_left_a_traceback(app: AppProcess) -> None:
    assert "Traceback" not in app.log()


def test_the_devkit_signs_as_slack_sdk_verifies() -> None:
    body = "command=%2Fperson&text=1"
    headers = signed_headers(SIGNING_SECRET, body, "application/x-www-form-urlencoded")
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid(
        body=body,
        timestamp=headers["X-Slack-Request-Timestamp"],
        signature=headers["X-Slack-Signature"],
    )
