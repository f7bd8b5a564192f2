"""Who a Slack user is, asked of the Slack stand-in: an admin for `/person setup`, failing
closed when Slack will not say."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.users import is_workspace_admin
from devkit import SlackStandIn


def client(slack: SlackStandIn, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token or slack.bot_token, base_url=slack.api_url)


async def test_an_admin_is_an_admin_and_a_member_is_not(slack: SlackStandIn) -> None:
    slack.admins.add("U0ADMIN001")
    assert await is_workspace_admin(client(slack), "U0ADMIN001") is True
    assert await is_workspace_admin(client(slack), "U0MEMBER01") is False
    assert [call.body.get("user") for call in slack.calls_to("users.info")] == [
        "U0ADMIN001",
        "U0MEMBER01",
    ]


async def test_a_user_slack_will_not_describe_is_no_admin(slack: SlackStandIn) -> None:
    slack.admins.add("U0ADMIN001")
    assert await is_workspace_admin(client(slack, "xoxb-not-the-token"), "U0ADMIN001") is False
    unreachable = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    assert await is_workspace_admin(unreachable, "U0ADMIN001") is False
