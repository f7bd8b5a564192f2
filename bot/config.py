"""Settings from the environment, validated once at start-up."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Public and Slack Connect channels C…, private channels G… (older ones), direct messages D….
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,30}")
# What `link_shared` says for a link typed in the message composer, before there is a message.
COMPOSER = "COMPOSER"


def is_channel_id(value: str) -> bool:
    return value != COMPOSER and _CHANNEL_ID.fullmatch(value) is not None


class PipedriveSettings(BaseSettings):
    """What the Pipedrive client and the card need; enough for `python -m bot card`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    pipedrive_api_token: SecretStr
    pipedrive_company_domain: str
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

    @field_validator("pipedrive_company_domain", mode="before")
    @classmethod
    def _bare_subdomain(cls, value: object) -> object:
        # People paste "acme", "acme.pipedrive.com" or the whole URL; keep only "acme".
        if not isinstance(value, str):
            return value
        domain = value.strip().lower().removeprefix("https://").removeprefix("http://")
        domain = domain.split("/", 1)[0].removesuffix(".pipedrive.com")
        if not _SUBDOMAIN.match(domain):
            raise ValueError("must be your Pipedrive company subdomain, as in acme.pipedrive.com")
        return domain

    @field_validator("pipedrive_api_token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
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

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # How much of a person an unfurl shows: the whole card, a compact one, or no unfurls.
    unfurl_detail: Literal["full", "compact", "off"] = "full"
    # The most an unfurl shows in a channel shared with another organization (Slack Connect).
    unfurl_external: Literal["compact", "full"] = "compact"
    # Channel ids, comma-separated, where links unfurl; empty: every conversation.
    unfurl_channels: str = ""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("unfurl_detail", "unfurl_external", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("unfurl_channels")
    @classmethod
    def _channel_ids(cls, value: str) -> str:
        ids = [item.strip().upper() for item in value.split(",") if item.strip()]
        wrong = [item for item in ids if not is_channel_id(item)]
        if wrong:
            raise ValueError(f"not Slack channel ids (like C0123ABCD): {', '.join(wrong)}")
        return ",".join(ids)

    @property
    def unfurl_channel_allow_list(self) -> frozenset[str] | None:
        """`UNFURL_CHANNELS` as a set of channel ids; None when unset (every conversation)."""
        return frozenset(self.unfurl_channels.split(",")) if self.unfurl_channels else None

    @field_validator("slack_bot_token", "slack_signing_secret")
    @classmethod
    def _secret_not_blank(cls, value: SecretStr) -> SecretStr:
        # Bolt only notices an empty signing secret on the first request; refuse it here.
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("slack_app_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def slack_api_base_url(self) -> str:
        """Web API base URL with the trailing slash slack_sdk expects."""
        if self.slack_api_url is None:
            return "https://slack.com/api/"
        return str(self.slack_api_url).rstrip("/") + "/"


def settings_errors(error: ValidationError) -> list[str]:
    """One plain line per missing or invalid variable, naming it as it is set in the environment."""
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "settings"
        if item["type"] == "missing":
            lines.append(f"{name} is not set")
        else:
            lines.append(f"{name} is invalid: {item['msg']}")
    return lines
