"""Forgetting a workspace (`bot.slack.installs`) over slack_sdk's store on the migrated schema:
only what belongs to the workspace, enterprise or revoked token named goes."""

from __future__ import annotations

from bot.slack.installs import forget_revoked_tokens, forget_workspace
from bot.store import ConnectionStore, TokenCipher, new_key
from bot.store.slack_installations import SealedInstallationStore

from .conftest import Database
from .examples import CLIENT_ID, a_connection, an_installation, connections


async def test_an_uninstall_forgets_the_workspace_and_nothing_else(
    database: Database, store: ConnectionStore
) -> None:
    installations = SealedInstallationStore(
        client_id=CLIENT_ID, engine=database.engine, cipher=TokenCipher.from_keys(new_key())
    )
    await installations.async_save(an_installation("T0001"))
    await installations.async_save(an_installation("T0002"))
    await store.save(a_connection("T0001", "U0001"))
    await store.save(a_connection("T0002", "U0002"))
    await store.bind_company("T0001", "acme", 5555)

    removed = await forget_workspace(
        installations,
        connections(store, None),
        enterprise_id=None,
        team_id="T0001",
        is_enterprise_install=False,
    )
    assert removed == 1
    assert await installations.async_find_bot(enterprise_id=None, team_id="T0001") is None
    assert await installations.async_find_installation(enterprise_id=None, team_id="T0001") is None
    assert await store.get("T0001", "U0001") is None
    assert await store.bound_company("T0001") is None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T0002") is not None
    assert await store.get("T0002", "U0002") is not None


async def test_one_workspace_forgets_its_members_connections_with_no_install_stored(
    store: ConnectionStore,
) -> None:
    await store.save(a_connection("T0001", "U0001"))
    removed = await forget_workspace(
        None,
        connections(store, "acme"),
        enterprise_id=None,
        team_id="T0001",
        is_enterprise_install=False,
    )
    assert removed == 1 and await store.get("T0001", "U0001") is None


async def test_a_revoked_user_token_forgets_only_that_installers_row(database: Database) -> None:
    installations = SealedInstallationStore(
        client_id=CLIENT_ID, engine=database.engine, cipher=TokenCipher.from_keys(new_key())
    )
    first = an_installation("T0001", user_id="U0001")
    second = an_installation("T0001", user_id="U0002")
    await installations.async_save(first)
    await installations.async_save(second)

    await forget_revoked_tokens(
        installations, enterprise_id=None, team_id="T0001", user_ids=["U0001"], bot_revoked=False
    )
    gone = await installations.async_find_installation(
        enterprise_id=None, team_id="T0001", user_id="U0001"
    )
    kept = await installations.async_find_installation(
        enterprise_id=None, team_id="T0001", user_id="U0002"
    )
    assert gone is None and kept is not None
    assert await installations.async_find_bot(enterprise_id=None, team_id="T0001") is not None

    await forget_revoked_tokens(
        installations, enterprise_id=None, team_id="T0001", user_ids=[], bot_revoked=True
    )
    assert await installations.async_find_bot(enterprise_id=None, team_id="T0001") is None
    assert await installations.async_find_installation(enterprise_id=None, team_id="T0001") is None
