"""manifest.yml is a valid Slack app manifest and asks for exactly what the app uses.

Slack's published schema (slackapi/manifest-schema 1.0.0, vendored unchanged) predates Work
Objects: it has no `features.rich_previews`. The tests validate against that schema extended by
`rich_previews` alone, in the shape of Slack's own Work Objects sample manifest.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema.protocols import Validator
from slack_sdk.models.metadata import EntityType

from blocks import SAVE_MESSAGE_FORM
from blocks.work_object import ENTITY_TYPE
from bot.config import SLACK_REDIRECT_PATH
from bot.slack.server import EVENTS_PATH

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = ROOT / "manifest.yml"
SCHEMA_PATH = ROOT / "tests" / "fixtures" / "reference" / "manifest.schema.1.0.0.json"
WORK_OBJECTS_SAMPLE_PATH = (
    ROOT
    / "tests"
    / "fixtures"
    / "slack"
    / "workobjects"
    / "manifest_bolt_python_examples_work_objects.json"
)
FEATURES = "app-manifests.v1.features.schema"
# docs.slack.dev/messaging/work-objects-implementation, "Supported entity types"
ENTITY_TYPES = [
    "slack#/entities/file",
    "slack#/entities/task",
    "slack#/entities/incident",
    "slack#/entities/content_item",
    "slack#/entities/item",
]
RICH_PREVIEWS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Work Objects (added here: the published schema 1.0.0 predates them).",
    "additionalProperties": False,
    "required": ["is_active", "entity_types"],
    "properties": {
        "is_active": {"type": "boolean"},
        "entity_types": {
            "type": "array",
            "items": {"type": "string", "enum": ENTITY_TYPES},
            "minItems": 1,
            "uniqueItems": True,
        },
    },
}

# A bare domain: labels of letters, digits and hyphens joined by dots, with a TLD.
_BARE_DOMAIN = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")


def _load_manifest() -> dict[str, Any]:
    manifest = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(manifest, dict)
    return manifest


def _published_schema() -> dict[str, Any]:
    loaded = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """Slack's published schema with `features.rich_previews` added, and nothing else."""
    extended = _published_schema()
    extended["definitions"][FEATURES]["properties"]["rich_previews"] = RICH_PREVIEWS_SCHEMA
    return extended


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture
def manifest() -> dict[str, Any]:
    return _load_manifest()


def _errors(validator: Validator, instance: dict[str, Any]) -> list[str]:
    return [error.message for error in validator.iter_errors(instance)]


def test_validator_uses_the_draft_the_schema_declares(
    schema: dict[str, Any], validator: Validator
) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert isinstance(validator, jsonschema.Draft7Validator)


def test_manifest_is_valid_against_slack_schema(
    validator: Validator, manifest: dict[str, Any]
) -> None:
    assert _errors(validator, manifest) == []


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Pipedrive Person Card"
    assert info["description"].strip()
    # The schema spells this constraint "regex", which JSON Schema ignores; check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_bot_scopes_are_exactly_what_the_app_uses(manifest: dict[str, Any]) -> None:
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot_scopes) == len(set(bot_scopes))
    assert set(bot_scopes) == {
        "commands",  # /person (its answers and Share go through response_url: no chat:write)
        "links:read",  # link_shared
        "links:write",  # chat.unfurl
        # conversations.info (is_ext_shared) for public and private channels, DMs, group DMs
        "channels:read",
        "groups:read",
        "im:read",
        "mpim:read",
        "users:read",  # users.info: guests; a follow-up's time zone; "added from Slack by"
        "usergroups:read",  # usergroups.users.list: ALLOWED_USERGROUP
    }
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_save_to_pipedrive_is_a_message_shortcut(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["shortcuts"] == [
        {
            "name": "Save to Pipedrive",
            "type": "message",
            "callback_id": SAVE_MESSAGE_FORM,
            "description": "Save this message as a note on a Pipedrive person",
        }
    ]


def test_person_command_has_description_and_usage_hint(manifest: dict[str, Any]) -> None:
    commands = {command["command"]: command for command in manifest["features"]["slash_commands"]}
    person = commands["/person"]
    assert person["description"].strip()
    assert person["usage_hint"].strip()
    assert person["should_escape"] is False


def test_unfurl_domains_are_bare_domains(manifest: dict[str, Any]) -> None:
    domains = manifest["features"]["unfurl_domains"]
    assert 1 <= len(domains) <= 5
    assert len(domains) == len(set(domains))
    for domain in domains:
        assert "://" not in domain and "/" not in domain and ":" not in domain, domain
        assert _BARE_DOMAIN.match(domain), domain
    # Slack matches subdomains of a registered domain, so this one covers every company's
    # {company}.pipedrive.com as well as app.pipedrive.com.
    assert "pipedrive.com" in domains


def test_the_bot_subscribes_to_exactly_the_events_it_handles(manifest: dict[str, Any]) -> None:
    subscriptions = manifest["settings"]["event_subscriptions"]
    assert subscriptions["bot_events"] == [
        "link_shared",
        "entity_details_requested",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert "user_events" not in subscriptions


def test_the_home_tab_is_on_and_the_messages_tab_off(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True and home["messages_tab_enabled"] is False


def test_work_objects_are_on_for_the_entity_type_the_app_sends(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["rich_previews"] == {
        "is_active": True,
        "entity_types": [ENTITY_TYPE],
    }


def test_the_published_schema_needs_the_rich_previews_extension() -> None:
    assert "rich_previews" not in _published_schema()["definitions"][FEATURES]["properties"]
    assert set(ENTITY_TYPES) == EntityType  # the docs' list is slack_sdk's


def test_the_extension_accepts_slacks_own_work_objects_sample(validator: Validator) -> None:
    sample = json.loads(WORK_OBJECTS_SAMPLE_PATH.read_text(encoding="utf-8"))
    assert sample["features"]["rich_previews"]["is_active"] is True
    assert _errors(validator, sample) == []


def test_interactivity_is_enabled(manifest: dict[str, Any]) -> None:
    # Even a URL button sends block_actions; without interactivity the user sees a warning.
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_http_mode_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert manifest["features"]["bot_user"]["always_online"] is False


def _request_urls(manifest: dict[str, Any]) -> list[str]:
    settings = manifest["settings"]
    urls = [command["url"] for command in manifest["features"]["slash_commands"]]
    urls.append(settings["event_subscriptions"]["request_url"])
    urls.append(settings["interactivity"]["request_url"])
    urls.append(settings["interactivity"]["message_menu_options_url"])
    return urls


def test_every_request_url_is_the_path_the_server_serves(manifest: dict[str, Any]) -> None:
    urls = _request_urls(manifest)
    assert len(urls) == 4
    assert len(set(urls)) == 1, "commands, events, interactivity and its options share one URL"
    for url in urls:
        assert url.startswith("https://"), url
        assert url.endswith(EVENTS_PATH), url


def test_the_install_redirect_is_the_path_the_server_serves(manifest: dict[str, Any]) -> None:
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    events = manifest["settings"]["event_subscriptions"]["request_url"]
    assert redirect == events.removesuffix(EVENTS_PATH) + SLACK_REDIRECT_PATH


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        pytest.param(
            lambda m: m.update(not_a_manifest_key=True),
            "'not_a_manifest_key' was unexpected",
            id="unknown-top-level-key",
        ),
        pytest.param(
            lambda m: m["features"]["slash_commands"][0].pop("description"),
            "'description' is a required property",
            id="command-without-description",
        ),
        pytest.param(
            lambda m: m["features"].update(unfurl_domains=["https://acme.pipedrive.com"]),
            "'https://acme.pipedrive.com' does not match",
            id="unfurl-domain-with-scheme",
        ),
        pytest.param(
            lambda m: m["features"].update(unfurl_domains=[f"d{i}.example.com" for i in range(6)]),
            "is too long",
            id="six-unfurl-domains",
        ),
        pytest.param(
            lambda m: m["features"]["rich_previews"].update(
                entity_types=["slack#/entities/person"]
            ),
            "'slack#/entities/person' is not one of",
            id="rich-previews-unknown-entity-type",
        ),
        pytest.param(
            lambda m: m["features"]["rich_previews"].pop("is_active"),
            "'is_active' is a required property",
            id="rich-previews-without-is_active",
        ),
        pytest.param(
            lambda m: m["features"]["rich_previews"].update(entity_types=[]),
            "should be non-empty",
            id="rich-previews-without-entity-types",
        ),
        pytest.param(
            lambda m: m["features"]["shortcuts"][0].update(name="Save this message to Pipedrive"),
            "is too long",
            id="shortcut-name-over-24-characters",
        ),
        pytest.param(
            lambda m: m["settings"]["interactivity"].pop("is_enabled"),
            "'is_enabled' is a required property",
            id="interactivity-without-is_enabled",
        ),
    ],
)
def test_validator_rejects_broken_manifests(
    validator: Validator, break_it: Callable[[dict[str, Any]], object], expected: str
) -> None:
    broken = copy.deepcopy(_load_manifest())
    break_it(broken)
    errors = _errors(validator, broken)
    assert len(errors) == 1, errors
    assert expected in errors[0]
