"""Which card an unfurl shows: the rule for every combination, its settings, its lookups."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pydantic import ValidationError

from bot.cards.unfurl_policy import UnfurlPolicy, depends_on_sharing, unfurl_detail
from bot.config import Settings, settings_errors
from bot.slack.unfurl_details import UnfurlDetails

LISTED, OTHER = "CLISTED1", "COTHER01"

# (UNFURL_DETAIL, UNFURL_EXTERNAL, allow-list) -> card in LISTED internal, LISTED external,
# OTHER internal, OTHER external. Written out, not computed: this table is the specification.
EXPECTED: dict[tuple[str, str, bool], tuple[str | None, str | None, str | None, str | None]] = {
    ("full", "compact", False): ("full", "compact", "full", "compact"),
    ("full", "full", False): ("full", "full", "full", "full"),
    ("compact", "compact", False): ("compact", "compact", "compact", "compact"),
    ("compact", "full", False): ("compact", "compact", "compact", "compact"),
    ("off", "compact", False): (None, None, None, None),
    ("off", "full", False): (None, None, None, None),
    ("full", "compact", True): ("full", "compact", None, None),
    ("full", "full", True): ("full", "full", None, None),
    ("compact", "compact", True): ("compact", "compact", None, None),
    ("compact", "full", True): ("compact", "compact", None, None),
    ("off", "compact", True): (None, None, None, None),
    ("off", "full", True): (None, None, None, None),
}


def policy(detail: str, external: str, allow_list: bool) -> UnfurlPolicy:
    channels = frozenset({LISTED}) if allow_list else None
    return UnfurlPolicy(detail=detail, external=external, channels=channels)  # type: ignore[arg-type]


@pytest.mark.parametrize(("detail", "external", "allow_list"), list(EXPECTED))
def test_every_combination(detail: str, external: str, allow_list: bool) -> None:
    rule = policy(detail, external, allow_list)
    cases = itertools.product((LISTED, OTHER), (False, True))
    found = tuple(unfurl_detail(rule, channel, external=shared) for channel, shared in cases)
    assert found == EXPECTED[(detail, external, allow_list)]


@pytest.mark.parametrize(("detail", "external", "allow_list"), list(EXPECTED))
def test_the_channel_is_looked_up_only_when_the_answer_depends_on_it(
    detail: str, external: str, allow_list: bool
) -> None:
    rule = policy(detail, external, allow_list)
    listed_int, listed_ext, other_int, other_ext = EXPECTED[(detail, external, allow_list)]
    assert depends_on_sharing(rule, LISTED) == (listed_int != listed_ext)
    assert depends_on_sharing(rule, OTHER) == (other_int != other_ext)


def test_the_composer_is_not_in_any_allow_list() -> None:
    rule = UnfurlPolicy(channels=frozenset({LISTED}))
    assert unfurl_detail(rule, "COMPOSER", external=True) is None


class Channels:
    """A ChannelDirectory stand-in that records what it was asked."""

    def __init__(self, *shared: str) -> None:
        self.shared = set(shared)
        self.asked: list[str] = []

    async def is_external(self, channel: str, *, slack: object, team_id: str) -> bool:
        self.asked.append(channel)
        return channel in self.shared or channel == "COMPOSER"


async def test_the_service_asks_about_the_channel_only_when_needed() -> None:
    channels = Channels("CEXT0001")
    details = UnfurlDetails(UnfurlPolicy(), channels)  # type: ignore[arg-type]
    slack: Any = object()  # the asking workspace's client: the stand-in never uses it
    assert await details.for_channel("CINT0001", slack=slack, team_id="T1") == "full"
    assert await details.for_channel("CEXT0001", slack=slack, team_id="T1") == "compact"
    assert await details.for_channel("COMPOSER", slack=slack, team_id="T1") == "compact"
    assert channels.asked == ["CINT0001", "CEXT0001", "COMPOSER"]
    for quiet in (
        UnfurlPolicy(detail="off"),
        UnfurlPolicy(detail="compact"),
        UnfurlPolicy(external="full"),
        UnfurlPolicy(channels=frozenset({LISTED})),
    ):
        asked = Channels("CEXT0001")
        details = UnfurlDetails(quiet, asked)  # type: ignore[arg-type]
        found = await details.for_channel("CEXT0001", slack=slack, team_id="T1")
        assert asked.asked == []
        assert found == unfurl_detail(quiet, "CEXT0001", external=True)


# -- settings ---------------------------------------------------------------------------------

REQUIRED: dict[str, Any] = {
    "slack_bot_token": "xoxb-1",
    "slack_signing_secret": "secret",
    "pipedrive_api_token": "token",
    "pipedrive_company_domain": "acme",
}


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **REQUIRED, **values)  # type: ignore[call-arg]


def test_unfurl_settings_default_to_compact_everywhere() -> None:
    defaults = UnfurlPolicy.from_settings(settings())
    assert defaults == UnfurlPolicy(detail="compact", external="compact", channels=None)


def test_unfurl_settings_are_read_in_any_case_and_spacing() -> None:
    chosen = settings(
        unfurl_detail=" Full ", unfurl_external="FULL", unfurl_channels=" C0A1B2C3D, G99X88Y77 ,"
    )
    assert UnfurlPolicy.from_settings(chosen) == UnfurlPolicy(
        detail="full", external="full", channels=frozenset({"C0A1B2C3D", "G99X88Y77"})
    )


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"unfurl_detail": "some"}, "UNFURL_DETAIL"),
        ({"unfurl_external": "off"}, "UNFURL_EXTERNAL"),
        ({"unfurl_channels": "#general"}, "UNFURL_CHANNELS"),
        ({"unfurl_channels": "C0A1B2C3D,U0123ABCD"}, "UNFURL_CHANNELS"),
    ],
)
def test_wrong_unfurl_settings_are_named_at_start_up(values: dict[str, str], name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        settings(**values)
    (line,) = settings_errors(raised.value)
    assert line.startswith(f"{name} is invalid")
