"""The one-click deploy files (Heroku's app.json, Render's render.yaml) parse, start the app the
way the Procfile does, and name exactly the settings the app reads: the ones it cannot start
without as required secrets, every other one as optional.

Heroku's app.json schema is vendored from heroku/heroku-mcp-server
(src/utils/app-json.schema.json at de94a9c, Apache-2.0). Render publishes its Blueprint schema
without a licence, so render.yaml is checked against the fields its Blueprint reference
(https://render.com/docs/blueprint-spec) documents.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from pydantic_core import PydanticUndefined

from bot.config import HEALTH_PATH, Settings

ROOT = Path(__file__).resolve().parents[1]
HEROKU_SCHEMA = (
    ROOT / "tests" / "fixtures" / "reference" / "heroku-mcp-server__app-json.schema.json"
)

# Settings a hosted deploy does not set, and why.
NOT_FOR_A_HOSTED_DEPLOY = {
    "port": "the platform sets PORT",
    "slack_app_token": "Socket Mode serves no HTTP: no request URL, no health check",
    "slack_api_url": "for test stand-ins and proxies",
    "slack_authorize_url": "for test stand-ins",
    "pipedrive_api_url": "for test stand-ins and proxies",
}
DEPLOYED = {
    name: field
    for name, field in Settings.model_fields.items()
    if name not in NOT_FOR_A_HOSTED_DEPLOY
}
# The one-click deploy is the default mode, one workspace with PIPEDRIVE_AUTH=api_token, which
# needs the API token, the bot token and the company (many workspaces need neither of the last).
REQUIRED_BY_THE_DEFAULT_MODE = {
    "pipedrive_api_token",
    "slack_bot_token",
    "pipedrive_company_domain",
}
REQUIRED = {
    name.upper()
    for name, field in DEPLOYED.items()
    if field.is_required() or name in REQUIRED_BY_THE_DEFAULT_MODE
}
OPTIONAL = {name.upper() for name in DEPLOYED} - REQUIRED


def procfile_web() -> str:
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    return line.removeprefix("web:").strip()


def test_the_app_cannot_start_without_exactly_the_secrets_and_the_company() -> None:
    assert REQUIRED == {
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "PIPEDRIVE_API_TOKEN",
        "PIPEDRIVE_COMPANY_DOMAIN",
    }


# -- Heroku -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_json() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "app.json").read_text())
    return loaded


def test_app_json_is_valid_against_herokus_schema(app_json: dict[str, Any]) -> None:
    schema = json.loads(HEROKU_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(app_json)] == []


def test_app_json_names_exactly_the_settings_required_and_optional(
    app_json: dict[str, Any],
) -> None:
    env = app_json["env"]
    assert set(env) == REQUIRED | OPTIONAL
    assert {name for name, item in env.items() if item["required"] is True} == REQUIRED
    assert {name for name, item in env.items() if item["required"] is False} == OPTIONAL
    for name, item in env.items():
        assert item["description"].strip(), name
        assert "value" not in item, f"{name}: the app's own default applies"


def test_app_json_runs_one_web_dyno_with_the_python_buildpack(app_json: dict[str, Any]) -> None:
    assert app_json["formation"] == {"web": {"quantity": 1, "size": "basic"}}
    assert app_json["buildpacks"] == [{"url": "heroku/python"}]
    assert app_json["success_url"] == HEALTH_PATH


# -- Render -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def render_service() -> dict[str, Any]:
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    assert set(blueprint) == {"services"}
    (service,) = blueprint["services"]
    assert isinstance(service, dict)
    return service


def test_render_yaml_is_a_python_web_service_started_as_the_procfile_says(
    render_service: dict[str, Any],
) -> None:
    assert render_service["type"] == "web"
    assert render_service["runtime"] == "python"
    assert render_service["plan"] == "starter"  # not "free": it spins down
    assert render_service["buildCommand"] == "pip install -r requirements.txt"
    assert render_service["startCommand"] == procfile_web() == "python -m bot"
    assert render_service["healthCheckPath"] == HEALTH_PATH
    documented = {
        "type",
        "name",
        "runtime",
        "plan",
        "buildCommand",
        "startCommand",
        "healthCheckPath",
        "envVars",
    }
    assert set(render_service) <= documented


def test_render_yaml_names_exactly_the_settings_secrets_asked_for(
    render_service: dict[str, Any],
) -> None:
    env_vars = render_service["envVars"]
    keys = [item["key"] for item in env_vars]
    assert len(keys) == len(set(keys))
    assert set(keys) == REQUIRED | OPTIONAL
    for item in env_vars:
        # Each entry has one source: a value, or a prompt in Render's dashboard (sync: false).
        assert set(item) in ({"key", "sync"}, {"key", "value"}), item
        assert isinstance(item.get("value", ""), str), item
    asked = {item["key"] for item in env_vars if item.get("sync") is False}
    assert asked == REQUIRED


def test_render_yaml_values_are_the_apps_own_defaults(render_service: dict[str, Any]) -> None:
    values = {item["key"]: item["value"] for item in render_service["envVars"] if "value" in item}
    placeholders = {
        "slack_bot_token": "xoxb-1",
        "slack_signing_secret": "secret",
        "pipedrive_api_token": "token",
        "pipedrive_company_domain": "acme",
    }
    # Read as the app reads its environment (an empty value counts as unset).
    with pytest.MonkeyPatch.context() as env:
        for name in Settings.model_fields:
            env.delenv(name.upper(), raising=False)
        for key, value in {**values, **{k.upper(): v for k, v in placeholders.items()}}.items():
            env.setenv(key, value)
        deployed = Settings(_env_file=None)  # type: ignore[call-arg]
    for key in values:
        default = Settings.model_fields[key.lower()].default
        assert default is not PydanticUndefined
        assert getattr(deployed, key.lower()) == default, key


# -- .env.example ---------------------------------------------------------------------------


def test_env_example_mentions_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"{name.upper()}=" in text, name


def test_requirements_pin_every_runtime_dependency_within_its_range() -> None:
    """requirements.txt (what a buildpack installs) pins exactly pyproject.toml's runtime
    dependencies, each to a version its range admits, then installs the project itself."""
    declared = {
        requirement.name: requirement
        for requirement in map(
            Requirement,
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"],
        )
    }
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == "."
    pinned = {requirement.name: requirement for requirement in map(Requirement, lines[:-1])}
    assert sorted(pinned) == sorted(declared)
    for name, pin in pinned.items():
        (exact,) = pin.specifier
        assert exact.operator == "==", pin
        assert declared[name].specifier.contains(exact.version), (pin, declared[name])
        assert pin.extras == declared[name].extras, pin
