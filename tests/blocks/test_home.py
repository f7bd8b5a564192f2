"""The Home tab names the company the viewer's workspace reads, or none before it has one."""

from __future__ import annotations

import dataclasses
import json

from blocks import HomeSettings, home_view
from tests.blockkit import assert_valid_blocks

SETTINGS = HomeSettings(
    company_domain="acme",
    per_user=True,
    unfurl_detail="compact",
    unfurl_external="compact",
    unfurl_channels=None,
    share_external="compact",
    allowed_usergroup=None,
    allow_guests=False,
)


def test_the_home_tab_names_the_company_it_reads() -> None:
    view = home_view(SETTINGS, connected_as="Ann")
    assert_valid_blocks(view["blocks"])
    assert "Look up people of *acme.pipedrive.com* without leaving Slack" in json.dumps(view)


def test_a_workspace_bound_to_no_company_yet_is_told_of_its_own() -> None:
    # Many workspaces: a workspace nobody connected in yet has no company.
    unbound = dataclasses.replace(SETTINGS, company_domain="")
    view = home_view(unbound, connect_url="https://oauth.pipedrive.com/oauth/authorize?x=1")
    assert_valid_blocks(view["blocks"])
    text = json.dumps(view)
    assert "Look up people of your Pipedrive company without leaving Slack" in text
    assert ".pipedrive.com*" not in text
