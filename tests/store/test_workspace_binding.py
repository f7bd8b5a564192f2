"""Which company a workspace reads (`Connections.company_of`) over the real store: the app's
one company, else the workspace's binding, made from connections that predate it or by an
admin's `/person setup` (`Connections.set_up`)."""

from __future__ import annotations

import dataclasses

from bot.store import ConnectionStore

from .examples import a_connection, connections


async def test_one_workspace_reads_the_apps_one_company(store: ConnectionStore) -> None:
    assert await connections(store, "acme").company_of("T0001") == "acme"
    assert await store.bound_company("T0001") is None


async def test_a_workspace_nobody_connected_in_reads_no_company(store: ConnectionStore) -> None:
    assert await connections(store, None).company_of("T0001") is None
    assert await store.bound_company("T0001") is None


async def test_a_bound_workspace_reads_its_company(store: ConnectionStore) -> None:
    await store.bind_company("T0001", "initech", 77)
    await store.save(a_connection("T0001", "U0001"))  # bound first: the binding decides
    assert await connections(store, None).company_of("T0001") == "initech"


async def test_connections_made_before_many_workspaces_bind_their_workspace(
    store: ConnectionStore,
) -> None:
    await store.save(dataclasses.replace(a_connection("T0001", "U0001"), company_domain="acme"))
    assert await connections(store, None).company_of("T0001") == "acme"
    bound = await store.bound_company("T0001")
    assert bound is not None and (bound.company_domain, bound.company_id) == ("acme", 5555)
    assert await connections(store, None).company_of("T0002") is None


async def test_an_admin_binds_a_workspace_nobody_connected_in(store: ConnectionStore) -> None:
    assert await connections(store, None).set_up("T0001", "initech") == "initech"
    assert await connections(store, None).company_of("T0001") == "initech"
    assert await connections(store, None).company_of("T0002") is None


async def test_setting_up_a_bound_workspace_keeps_its_company(store: ConnectionStore) -> None:
    await connections(store, None).set_up("T0001", "initech")
    assert await connections(store, None).set_up("T0001", "globex") == "initech"
    # Connections that predate the binding decide it, as they would for `company_of`.
    await store.save(dataclasses.replace(a_connection("T0002", "U0001"), company_domain="acme"))
    assert await connections(store, None).set_up("T0002", "globex") == "acme"
    assert await connections(store, None).company_of("T0002") == "acme"
