"""Settings from the environment, validated once at start-up."""

from __future__ import annotations

import re
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def company_subdomain(text: str) -> str | None:
    """A Pipedrive company's subdomain from what people paste: "acme", "acme.pipedrive.com" or
    the whole URL give "acme"; None for anything that cannot be one."""
    domain = text.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.split("/", 1)[0].removesuffix(".pipedrive.com")
    return domain if _SUBDOMAIN.match(domain) else None


# Public and Slack Connect channels C…, private channels G… (older ones), direct messages D….
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,30}")
_USERGROUP_ID = re.compile(r"S[A-Z0-9]{8,12}")
# Where the app says it is alive (`GET`), for a PaaS's health check and `check`.
HEALTH_PATH = "/healthz"
# Pipedrive redirects users here after consent, and sends its uninstall notice here.
OAUTH_CALLBACK_PATH = "/pipedrive/oauth/callback"
# Many workspaces: the "Add to Slack" page, and where Slack sends an installer back (Bolt's).
SLACK_INSTALL_PATH = "/slack/install"
SLACK_REDIRECT_PATH = "/slack/oauth_redirect"
# manifest.yml's oauth_config.scopes.bot, asked for when a workspace installs the app and
# checked by `check`; tests/test_check.py keeps the two the same.
SLACK_BOT_SCOPES = (
    "commands",
    "links:read",
    "links:write",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "users:read",
    "usergroups:read",
)
# What an id in UNFURL_CHANNELS must look like: every channel id in Slack's docs (C123ABC456,
# C1234567890, D024BFF1M) has this shape. Slack promises no id grammar, so `check` asks Slack.
_CONFIGURED_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{8,12}")
_FIND_CHANNEL_ID = "in Slack, open the channel's details → About → Channel ID"
# The values .env.example ships with: a copy left unedited must not start.
PLACEHOLDERS = {
    "slack_bot_token": "xoxb-your-bot-token",
    "slack_signing_secret": "your-signing-secret",
    "pipedrive_api_token": "your-pipedrive-api-token",
    "pipedrive_company_domain": "your-company",
}
_PLACEHOLDER = "still the placeholder from .env.example"
# What `link_shared` says for a link typed in the message composer, before there is a message.
COMPOSER = "COMPOSER"


def is_channel_id(value: str) -> bool:
    return value != COMPOSER and _CHANNEL_ID.fullmatch(value) is not None


class PipedriveSettings(BaseSettings):
    """What the Pipedrive client and the card need; enough for `python -m bot card`."""

    # An empty variable counts as unset (`SLACK_APP_TOKEN=` in .env, a blank field on a PaaS).
    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True
    )

    # api_token: one token reads for everybody; oauth: each Slack user connects their own account.
    pipedrive_auth: Literal["api_token", "oauth"] = "api_token"
    pipedrive_api_token: SecretStr | None = Field(default=None, validate_default=True)
    # Required, except with many Slack workspaces: each one is bound to its own company.
    pipedrive_company_domain: str = ""
    pipedrive_api_url: AnyHttpUrl | None = None
    pipedrive_api_version: Literal["v1", "v2"] = "v2"
    # Requests per 2 s the app allows itself: your plan's burst limit for an API token (20,
    # 40, 80, 100 or 120). The app also follows the limit Pipedrive announces, if lower.
    pipedrive_burst_limit: int = Field(default=20, ge=1, le=1000)
    # Seconds the person read may take before the answer says Pipedrive is too slow (answers go
    # through response_url or chat.unfurl, which wait that long).
    person_read_timeout: float = Field(default=10.0, gt=0, le=60)
    # Seconds the rest of a card (owner, organization, activities, picture, field names) may
    # take once the person has arrived; what is late is left out. Also a search's patience.
    card_timeout: float = Field(default=2.5, gt=0, le=30)
    # Seconds to keep records; 0 turns a cache off (concurrent lookups still share one request).
    person_cache_ttl: float = Field(default=30.0, ge=0)
    directory_cache_ttl: float = Field(default=600.0, ge=0)
    picture_cache_ttl: float = Field(default=3600.0, ge=0)
    cache_max_entries: int = Field(default=5000, ge=1)
    # Custom fields a card shows, in this order: names (any case) or keys, comma-separated.
    # Empty: every custom field that has a value, in Pipedrive's order.
    person_card_fields: str = ""

    @model_validator(mode="after")
    def _company_domain_set(self) -> PipedriveSettings:
        if not self.pipedrive_company_domain:
            raise PydanticCustomError("setting_missing", "PIPEDRIVE_COMPANY_DOMAIN is not set")
        return self

    @field_validator("pipedrive_company_domain", mode="before")
    @classmethod
    def _bare_subdomain(cls, value: object) -> object:
        # People paste "acme", "acme.pipedrive.com" or the whole URL; keep only "acme".
        if not isinstance(value, str) or not value.strip():
            return value
        domain = company_subdomain(value)
        if domain == PLACEHOLDERS["pipedrive_company_domain"]:
            raise ValueError(f"{_PLACEHOLDER}: set your subdomain, acme for acme.pipedrive.com")
        if domain is None:
            raise ValueError("must be your Pipedrive company subdomain, as in acme.pipedrive.com")
        return domain

    @field_validator("pipedrive_api_token", mode="before")
    @classmethod
    def _token_blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("pipedrive_auth", mode="before")
    @classmethod
    def _auth_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("pipedrive_api_token")
    @classmethod
    def _needed_with_api_token(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if value is not None:
            _filled_in(value, PLACEHOLDERS["pipedrive_api_token"])
        required_in_mode(value, info, "api_token")
        return value

    @property
    def person_card_field_choice(self) -> tuple[str, ...]:
        """`PERSON_CARD_FIELDS` as a list: ("Customer Type", "9dc80c50…", ...)."""
        return tuple(item.strip() for item in self.person_card_fields.split(",") if item.strip())

    @property
    def pipedrive_origin(self) -> str:
        """Scheme and host every API path is appended to, without a trailing slash."""
        if self.pipedrive_api_url is not None:
            return str(self.pipedrive_api_url).rstrip("/")
        return f"https://{self.pipedrive_company_domain}.pipedrive.com"


class Settings(PipedriveSettings):
    """Everything the Slack app needs."""

    # Many workspaces ("Add to Slack"): the Slack app's credentials (Basic Information). Set,
    # they replace SLACK_BOT_TOKEN: each workspace's bot token is stored when it installs.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = Field(default=None, validate_default=True)
    # Where installers are sent to approve the app; a stand-in's in tests.
    slack_authorize_url: AnyHttpUrl = AnyHttpUrl("https://slack.com/oauth/v2/authorize")
    # One workspace: the Bot User OAuth Token; not used with SLACK_CLIENT_ID.
    slack_bot_token: SecretStr | None = Field(default=None, validate_default=True)
    slack_signing_secret: SecretStr
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # How much of a person an unfurl shows: the whole card, a compact one, or no unfurls.
    # Compact by default: everyone in the conversation sees an unfurl, guests included.
    unfurl_detail: Literal["full", "compact", "off"] = "compact"
    # The most a card shared into a channel shared with another organization shows.
    share_external: Literal["compact", "full"] = "compact"
    # Pasted links as Slack Work Objects (a preview, and a details pane per viewer) or Block Kit.
    unfurl_style: Literal["work_object", "blocks"] = "work_object"
    # The most an unfurl shows in a channel shared with another organization (Slack Connect).
    unfurl_external: Literal["compact", "full"] = "compact"
    # Channel ids, comma-separated, where links unfurl; empty: every conversation.
    unfurl_channels: str = ""
    # oauth mode: the Pipedrive app (Developer Hub), where its callback is, and the tokens' key.
    pipedrive_client_id: str | None = Field(default=None, validate_default=True)
    pipedrive_client_secret: SecretStr | None = Field(default=None, validate_default=True)
    pipedrive_oauth_url: AnyHttpUrl = AnyHttpUrl("https://oauth.pipedrive.com")
    public_url: AnyHttpUrl | None = Field(default=None, validate_default=True)
    token_encryption_key: SecretStr | None = Field(default=None, validate_default=True)
    # Where connections are kept: a SQLite file by default; a PaaS sets PostgreSQL.
    database_url: SecretStr | None = None
    # With one shared API token a guest would read every contact: refused unless allowed.
    allow_guests: bool = False
    # A Slack user group id (S…): only its members may use /person, the buttons and unfurls.
    allowed_usergroup: str | None = None
    # Shared state for several processes (limits, holds, caches, one-time keys); unset: in-process.
    redis_url: SecretStr | None = None
    # False accepts a certificate no authority signed (Heroku's Redis); still encrypted.
    redis_verify_certificate: bool = True

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "unfurl_detail", "unfurl_external", "unfurl_style", "share_external", mode="before"
    )
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("allowed_usergroup")
    @classmethod
    def _usergroup_id(cls, value: str | None) -> str | None:
        if value is not None and not _USERGROUP_ID.fullmatch(value.strip()):
            raise ValueError(
                "must be a user group id like S0123ABCD (in Slack: People → User groups → the "
                "group → ⋯ → Copy group ID)"
            )
        return value.strip() if value else value

    @field_validator("unfurl_channels")
    @classmethod
    def _channel_ids(cls, value: str) -> str:
        # Ids exactly as Slack writes them: "general" is a name, not the id "GENERAL".
        ids = [item.strip() for item in value.split(",") if item.strip()]
        wrong = [item for item in ids if not _CONFIGURED_CHANNEL_ID.fullmatch(item)]
        if wrong:
            raise ValueError(
                f"not Slack channel ids: {', '.join(wrong)}. A channel id looks like C0123ABCD:"
                f" {_FIND_CHANNEL_ID}"
            )
        return ",".join(ids)

    @property
    def unfurl_channel_allow_list(self) -> frozenset[str] | None:
        """`UNFURL_CHANNELS` as a set of channel ids; None when unset (every conversation)."""
        return frozenset(self.unfurl_channels.split(",")) if self.unfurl_channels else None

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret_filled_in(cls, value: SecretStr) -> SecretStr:
        # Bolt only notices an empty signing secret on the first request; refuse it here.
        _filled_in(value, PLACEHOLDERS["slack_signing_secret"])
        return value

    @property
    def many_workspaces(self) -> bool:
        """Installable into any workspace ("Add to Slack"), each with its own bot token."""
        return self.slack_client_id is not None

    @model_validator(mode="after")
    def _company_domain_set(self) -> Settings:
        # With many workspaces each one is bound to the company its first member connects.
        if not self.pipedrive_company_domain and not self.many_workspaces:
            raise PydanticCustomError("setting_missing", "PIPEDRIVE_COMPANY_DOMAIN is not set")
        return self

    @field_validator("slack_client_id")
    @classmethod
    def _many_workspaces_read_as_each_user(
        cls, value: str | None, info: ValidationInfo
    ) -> str | None:
        if value is not None and info.data.get("pipedrive_auth") != "oauth":
            raise ValueError(
                "installing the app in many workspaces needs PIPEDRIVE_AUTH=oauth: one "
                "Pipedrive API token would show one company's contacts to every workspace"
            )
        return value

    @field_validator("slack_client_secret")
    @classmethod
    def _secret_with_client_id(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        has_id = info.data.get("slack_client_id") is not None
        if value is None and has_id:
            raise PydanticCustomError(
                "required_by", "is not set (SLACK_CLIENT_ID needs it: Basic Information)"
            )
        if value is not None and "slack_client_id" in info.data and not has_id:
            raise ValueError("is set without SLACK_CLIENT_ID: set both, or neither")
        return value

    @field_validator("slack_authorize_url")
    @classmethod
    def _authorize_https(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        return _https_unless_local(value)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            # Unless SLACK_CLIENT_ID was refused (absent from info.data): one error is enough.
            if "slack_client_id" in info.data and info.data["slack_client_id"] is None:
                raise PydanticCustomError(
                    "required_by",
                    "is not set (one workspace needs it; to install the app in many, set "
                    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead)",
                )
            return value
        token = _filled_in(value, PLACEHOLDERS["slack_bot_token"])
        if token.startswith("xapp-"):
            raise ValueError(
                "this is an app-level token (xapp-…), which belongs in SLACK_APP_TOKEN;"
                " SLACK_BOT_TOKEN is the Bot User OAuth Token (xoxb-…) under OAuth & Permissions"
            )
        if token.startswith("xoxp-"):
            raise ValueError(
                "this is a user token (xoxp-…); the app needs the Bot User OAuth Token (xoxb-…)"
                " under OAuth & Permissions"
            )
        if not token.startswith("xoxb-"):
            raise ValueError(
                "must be the Bot User OAuth Token, which starts with xoxb-"
                " (OAuth & Permissions, after installing the app)"
            )
        return value

    @field_validator(
        "slack_app_token",
        "slack_client_id",
        "slack_client_secret",
        "redis_url",
        "pipedrive_client_id",
        "pipedrive_client_secret",
        "public_url",
        "token_encryption_key",
        "database_url",
        "allowed_usergroup",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "pipedrive_client_id", "pipedrive_client_secret", "public_url", "token_encryption_key"
    )
    @classmethod
    def _needed_with_oauth(cls, value: object, info: ValidationInfo) -> object:
        return required_in_mode(value, info, "oauth")

    @field_validator("token_encryption_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return value
        for number, key in enumerate(value.get_secret_value().split(","), start=1):
            try:
                Fernet(key.strip())
            except ValueError:
                raise ValueError(
                    f"key {number} is not a Fernet key (32 url-safe base64-encoded bytes): "
                    "`python -m bot keygen` prints one"
                ) from None
        return value

    @field_validator("pipedrive_oauth_url")
    @classmethod
    def _oauth_origin(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        return _https_unless_local(value)

    @field_validator("allowed_usergroup")
    @classmethod
    def _usergroup_of_one_workspace(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("slack_client_id") is not None:
            raise ValueError(
                "a user group belongs to one workspace, so it cannot limit an app installed in "
                "many (SLACK_CLIENT_ID): leave it empty"
            )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _socket_mode_cannot_take_callbacks(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if value is not None and info.data.get("pipedrive_auth") == "oauth":
            raise ValueError(
                "Socket Mode serves no HTTP, so Pipedrive's OAuth callback could not reach the "
                "app: with PIPEDRIVE_AUTH=oauth leave SLACK_APP_TOKEN empty and serve HTTP"
            )
        return value

    @property
    def oauth_redirect_uri(self) -> str:
        """Where Pipedrive sends users back after consent (the app's one callback URL)."""
        return f"{str(self.public_url).rstrip('/')}{OAUTH_CALLBACK_PATH}"

    @property
    def slack_redirect_uri(self) -> str:
        """Where Slack sends an installer back (Redirect URLs under OAuth & Permissions)."""
        return f"{str(self.public_url).rstrip('/')}{SLACK_REDIRECT_PATH}"

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        token = "" if value is None else value.get_secret_value()
        if value is None or token.startswith("xapp-"):
            return value
        if token.startswith("xoxb-"):
            raise ValueError(
                "this is the bot token (xoxb-), which belongs in SLACK_BOT_TOKEN;"
                " SLACK_APP_TOKEN is an app-level token (xapp-…) from Basic Information →"
                " App-Level Tokens, or empty to serve HTTP"
            )
        raise ValueError(
            "must be an app-level token, which starts with xapp- (Basic Information →"
            " App-Level Tokens), or empty to serve HTTP"
        )

    @property
    def slack_api_base_url(self) -> str:
        """Web API base URL with the trailing slash slack_sdk expects."""
        if self.slack_api_url is None:
            return "https://slack.com/api/"
        return str(self.slack_api_url).rstrip("/") + "/"


def required_in_mode(value: object, info: ValidationInfo, mode: str) -> object:
    """A setting that `PIPEDRIVE_AUTH=<mode>` cannot do without."""
    if value is None and info.data.get("pipedrive_auth", "api_token") == mode:
        raise PydanticCustomError(
            "required_by", "is not set (PIPEDRIVE_AUTH={mode} needs it)", {"mode": mode}
        )
    return value


def _https_unless_local(value: AnyHttpUrl) -> AnyHttpUrl:
    if value.scheme != "https" and value.host not in ("127.0.0.1", "localhost"):
        raise ValueError("must be https (http only for a stand-in on this machine)")
    return value


def _filled_in(value: SecretStr, placeholder: str) -> str:
    """The secret, refused when it is empty or still the placeholder from .env.example."""
    secret = value.get_secret_value()
    if not secret.strip():
        raise ValueError("must not be empty")
    if secret.strip() == placeholder:
        raise ValueError(f"{_PLACEHOLDER}: paste the real value (.env.example says where)")
    return secret


def settings_errors(error: ValidationError) -> list[str]:
    """One plain line per missing or invalid variable, naming it as it is set in the environment."""
    lines: list[str] = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "settings"
        if item["type"] == "missing":
            lines.append(f"{name} is not set")
        elif item["type"] == "setting_missing":  # a model-wide check names the setting itself
            lines.append(item["msg"])
        elif item["type"] == "required_by":
            lines.append(f"{name} {item['msg']}")
        else:
            # Our own checks read as sentences; pydantic prefixes them with "Value error, ".
            lines.append(f"{name} is invalid: {item['msg'].removeprefix('Value error, ')}")
    return lines
