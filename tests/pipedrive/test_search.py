"""Person search: the client's paths and query for both versions, the mapping of the official
example bodies, odd bodies, and the stand-in's search over its records."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pipedrive import (
    ApiVersion,
    PipedriveAuthError,
    PipedriveClient,
    PipedriveError,
    PipedriveRateLimited,
    PipedriveUnavailable,
    SearchHit,
)
from bot.pipedrive.wire_search import WirePersonSearch
from devkit import PipedriveStandIn

from .clients import ORIGIN, TOKEN, client_for
from .examples import read_fixture

FIXTURE = {"v1": "v1_GET_persons_search_200.json", "v2": "v2_GET_persons_search_200.json"}
JANE_DOE = SearchHit(
    id=1, name="Jane Doe", organization_name="Organization name", primary_email="jane@pipedrive.com"
)


@pytest.fixture(params=["v1", "v2"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[PipedriveClient]:
    async with client_for(request.param) as pipedrive:
        yield pipedrive


def search_route(api: respx.MockRouter, version: str, response: httpx.Response) -> respx.Route:
    return api.get(f"/api/{version}/persons/search").mock(return_value=response)


# -- paths and query ---------------------------------------------------------------------------


async def test_search_reads_the_versions_path_with_its_query(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    version = client.api_version
    route = search_route(api, version, httpx.Response(200, json=read_fixture(FIXTURE[version])))

    hits = await client.search_persons("Jane", exact=False)

    assert hits == [JANE_DOE]
    request = route.calls.last.request
    assert request.url.path == f"/api/{version}/persons/search"
    params = dict(request.url.params)
    expected = {"term": "Jane", "fields": "name,email,phone", "exact_match": "false", "limit": "10"}
    if version == "v1":
        expected["start"] = "0"  # v1 pages with start/limit, v2 with a cursor
    assert params == expected
    assert request.headers["x-api-token"] == TOKEN
    assert TOKEN not in str(request.url)


async def test_an_email_is_searched_exactly_with_the_limit_asked_for(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    version = client.api_version
    route = search_route(api, version, httpx.Response(200, json=read_fixture(FIXTURE[version])))

    await client.search_persons("jane@acme.com", exact=True, limit=11)

    params = route.calls.last.request.url.params
    assert params["term"] == "jane@acme.com"
    assert params["exact_match"] == "true"
    assert params["limit"] == "11"


@pytest.mark.parametrize(
    "term",
    [
        "1; DROP TABLE persons; --",
        "../../users/me",
        "a&b=c#frag",
        "?x=1/..%2F",
        "jane+doe@acme.com",
        "Jürgen Šťastný 李",
        "' OR '1'='1",
    ],
)
async def test_the_term_travels_only_as_an_encoded_query_parameter(
    api: respx.MockRouter, term: str
) -> None:
    route = search_route(api, "v2", httpx.Response(200, json={"success": True, "data": {}}))
    async with client_for("v2") as client:
        assert await client.search_persons(term, exact=False) == []

    url = str(route.calls.last.request.url)
    assert urlsplit(url).path == "/api/v2/persons/search"
    assert parse_qs(urlsplit(url).query)["term"] == [term]
    assert urlsplit(url).fragment == ""


@settings(max_examples=50)
@given(st.text(min_size=2, max_size=50))
async def test_any_term_round_trips_through_the_query(term: str) -> None:
    with respx.mock(base_url=ORIGIN) as api:
        route = search_route(api, "v2", httpx.Response(200, json={"success": True, "data": {}}))
        async with client_for("v2") as client:
            await client.search_persons(term, exact=False)
    request = route.calls.last.request
    assert request.url.path == "/api/v2/persons/search"
    assert request.url.params["term"] == term


# -- mapping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_official_examples_map_to_hits(version: str) -> None:
    found = WirePersonSearch.model_validate(read_fixture(FIXTURE[version])["data"])
    assert found.to_domain() == [JANE_DOE]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"id": 5}, SearchHit(id=5)),
        ({"id": "5", "name": "  Ann  "}, SearchHit(id=5, name="Ann")),
        ({"id": 5, "emails": ["", "  ", "a@b.c", "d@e.f"]}, SearchHit(id=5, primary_email="a@b.c")),
        ({"id": 5, "emails": [{"value": "a@b.c"}]}, SearchHit(id=5, primary_email="a@b.c")),
        ({"id": 5, "emails": "a@b.c"}, SearchHit(id=5)),
        ({"id": 5, "organization": None}, SearchHit(id=5)),
        ({"id": 5, "organization": 7}, SearchHit(id=5)),
        ({"id": 5, "organization": {"id": 7}}, SearchHit(id=5)),
        ({"id": 5, "organization": {"name": "Org"}}, SearchHit(id=5, organization_name="Org")),
        ({"id": 5, "type": "person"}, SearchHit(id=5)),
        ({"id": 5, "type": "organization"}, None),
        ({"id": 0}, None),
        ({"id": -3}, None),
        ({"id": None}, None),
        ({"name": "no id"}, None),
        ({"id": True}, None),
    ],
)
def test_odd_items_map_leniently_or_are_skipped(item: dict[str, Any], expected: SearchHit) -> None:
    found = WirePersonSearch.model_validate({"items": [{"result_score": 1, "item": item}]})
    assert found.to_domain() == ([expected] if expected else [])


@pytest.mark.parametrize(
    "data",
    [{}, {"items": None}, {"items": []}, {"items": "x"}, {"items": [1, None, "x", {"item": 3}]}],
)
def test_bodies_without_usable_items_find_no_one(data: Any) -> None:
    assert WirePersonSearch.model_validate(data).to_domain() == []


def test_a_person_found_twice_is_listed_once_in_pipedrives_order() -> None:
    items = [{"item": {"id": n, "name": str(n)}} for n in (3, 1, 3, 2)]
    hits = WirePersonSearch.model_validate({"items": items}).to_domain()
    assert [hit.id for hit in hits] == [3, 1, 2]


async def test_no_more_hits_than_the_limit_are_returned(api: respx.MockRouter) -> None:
    items = [{"item": {"id": n}} for n in range(1, 30)]
    body = {"success": True, "data": {"items": items}}
    search_route(api, "v2", httpx.Response(200, json=body))
    async with client_for("v2") as client:
        hits = await client.search_persons("Smith", exact=False, limit=11)
    assert [hit.id for hit in hits] == list(range(1, 12))


# -- failures ----------------------------------------------------------------------------------


async def test_failures_are_the_clients_usual_errors(api: respx.MockRouter) -> None:
    route = search_route(api, "v2", httpx.Response(401, json={"success": False}))
    async with client_for("v2") as client:
        with pytest.raises(PipedriveAuthError):
            await client.search_persons("Jane", exact=False)
        route.mock(return_value=httpx.Response(500, json={"success": False, "error": "oops"}))
        with pytest.raises(PipedriveUnavailable) as unavailable:
            await client.search_persons("Jane", exact=False)
        route.mock(
            return_value=httpx.Response(
                429,
                headers={"Retry-After": "0"},
                json={"success": False},
            )
        )
        with pytest.raises(PipedriveRateLimited) as limited:
            await client.search_persons("Jane", exact=False)
        route.mock(return_value=httpx.Response(200, json={"success": True, "data": []}))
        with pytest.raises(PipedriveUnavailable):
            await client.search_persons("Jane", exact=False)
    assert limited.value.retry_after == 0
    for error in (unavailable.value, limited.value):
        assert "/api/v2/persons/search" in str(error)
        assert "Jane" not in str(error)  # the term may be someone's email: not in errors or logs


# -- the stand-in ------------------------------------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    running = PipedriveStandIn()
    await running.start()
    yield running
    await running.stop()


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("term", "exact", "ids"),
    [
        ("Smith", False, [1, 201]),
        ("smith", False, [1, 201]),
        ("will", False, [1, 202]),
        ("jane@acme.com", True, [201]),
        ("JANE@ACME.COM", True, [201]),
        ("jane@acme", True, []),
        ("acme.com", False, [201, 202]),
        ("555 02", False, [201, 202]),
        ("+372 555 0202", True, [202]),
        ("Jane Smith", True, [201]),
        ("Jane", True, []),
        ("nobody", False, []),
    ],
)
async def test_the_stand_in_searches_its_own_persons(
    standin: PipedriveStandIn, version: ApiVersion, term: str, exact: bool, ids: list[int]
) -> None:
    async with client_for(version, origin=standin.url, token=standin.token) as client:
        hits = await client.search_persons(term, exact=exact)
    assert [hit.id for hit in hits] == ids


async def test_the_stand_in_answers_in_the_official_shape(standin: PipedriveStandIn) -> None:
    async with httpx.AsyncClient(base_url=standin.url) as http:
        for version, pages in (("v2", "next_cursor"), ("v1", "pagination")):
            response = await http.get(
                f"/api/{version}/persons/search",
                params={"term": "Jane", "fields": "name,email,phone", "limit": "1"},
                headers={"x-api-token": standin.token},
            )
            body = response.json()
            example = read_fixture(FIXTURE[version])
            assert body.keys() == example.keys()
            (found,) = body["data"]["items"]
            assert found.keys() == example["data"]["items"][0].keys()
            assert found["item"].keys() == example["data"]["items"][0]["item"].keys()
            assert found["item"]["emails"] == ["jane@acme.com"]
            assert found["item"]["organization"]["name"] == "Org Name"
            assert pages in body["additional_data"]


async def test_the_stand_in_refuses_a_short_term_and_skips_deleted_persons(
    standin: PipedriveStandIn,
) -> None:
    standin.put("/api/v2/persons/77", {"success": True, "data": {"id": 77, "name": "Jo Gone"}})
    standin.put(
        "/api/v2/persons/78",
        {"success": True, "data": {"id": 78, "name": "Jo", "is_deleted": True}},
    )
    async with client_for("v2", origin=standin.url, token=standin.token) as client:
        assert [hit.id for hit in await client.search_persons("Jo", exact=False)] == [77]
        with pytest.raises(PipedriveError, match="HTTP 400"):
            await client.search_persons("J", exact=False)
    assert standin.count("/api/v2/persons/search") == 2
