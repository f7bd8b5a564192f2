"""PeopleSearch and the search answer, against the Pipedrive stand-in and its sample persons."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from blocks import SHOW_PERSON_ACTION_ID, answer_message
from bot.cards.budget import BudgetExhausted
from bot.cards.connections import Viewer
from bot.cards.lookup import Lookup, outcome
from bot.cards.query import Search
from bot.cards.readers import Reader, SharedReader
from bot.cards.search import SEARCH_SHOWN, PeopleSearch
from bot.cards.service import PeopleService
from bot.cards.writes import Writes
from bot.pipedrive import PipedriveClient, PipedriveError, PipedriveUnavailable, SearchHit
from bot.pipedrive.client import ApiVersion
from devkit import PipedriveStandIn
from tests.blockkit import assert_valid_blocks

TOKEN = "standin-test-token"
SEARCH = "/api/v2/persons/search"


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["v2", "v1"])
async def client(
    standin: PipedriveStandIn, request: pytest.FixtureRequest
) -> AsyncIterator[PipedriveClient]:
    version: ApiVersion = request.param
    async with PipedriveClient(
        origin=standin.url, api_token=SecretStr(TOKEN), api_version=version
    ) as pipedrive:
        yield pipedrive


async def test_finds_the_persons_a_term_names(client: PipedriveClient) -> None:
    found = await PeopleSearch(client).search("Smith", exact=False)
    assert [hit.name for hit in found.hits] == ["Will Smith", "Jane Smith"]
    assert found.more is False


async def test_an_exact_email_finds_one_person(client: PipedriveClient) -> None:
    found = await PeopleSearch(client).search("jane@acme.com", exact=True)
    assert found.hits == (
        SearchHit(
            id=201, name="Jane Smith", organization_name="Org Name", primary_email="jane@acme.com"
        ),
    )


async def test_more_than_a_pick_list_holds_is_flagged(
    standin: PipedriveStandIn, client: PipedriveClient
) -> None:
    standin.add_people(20, start=300)
    found = await PeopleSearch(client).search("Smith", exact=False)
    assert len(found.hits) == SEARCH_SHOWN
    assert found.more is True
    (seen,) = [r for r in standin.requests if r.path.endswith("/persons/search")]
    assert seen.query["limit"] == str(SEARCH_SHOWN + 1)


async def test_the_same_term_is_asked_once_while_cached(
    standin: PipedriveStandIn, client: PipedriveClient
) -> None:
    search = PeopleSearch(client, ttl=30)
    first, second, third = await asyncio.gather(
        search.search("Smith", exact=False),
        search.search("SMITH", exact=False),
        search.search("smith", exact=False),
    )
    assert first == second == third
    await search.search("Smith", exact=False)
    assert standin.count(f"/api/{client.api_version}/persons/search") == 1
    await search.search("Smith", exact=True)  # another question
    assert standin.count(f"/api/{client.api_version}/persons/search") == 2


async def test_without_a_cache_each_search_asks_pipedrive(
    standin: PipedriveStandIn, client: PipedriveClient
) -> None:
    search = PeopleSearch(client, ttl=0)
    await search.search("Smith", exact=False)
    await search.search("Smith", exact=False)
    assert standin.count(f"/api/{client.api_version}/persons/search") == 2


async def test_a_slow_search_exhausts_our_budget_not_pipedrive(
    standin: PipedriveStandIn, client: PipedriveClient
) -> None:
    standin.misbehave(f"/api/{client.api_version}/persons/search", delay=5.0)
    with pytest.raises(BudgetExhausted, match="search: no answer within 0.2 s") as raised:
        await PeopleSearch(client, budget=0.2).search("Smith", exact=False)
    assert not isinstance(raised.value, PipedriveError)


async def test_failures_are_not_cached(standin: PipedriveStandIn, client: PipedriveClient) -> None:
    path = f"/api/{client.api_version}/persons/search"
    standin.misbehave(path, status=500, body={"success": False}, times=1)
    search = PeopleSearch(client, ttl=30)
    with pytest.raises(PipedriveUnavailable):
        await search.search("Smith", exact=False)
    assert len((await search.search("Smith", exact=False)).hits) == 2


# -- the answer --------------------------------------------------------------------------------


async def answer(client: PipedriveClient, term: str, *, exact: bool = False) -> tuple[str, dict]:
    reader = Reader(PeopleService(client), PeopleSearch(client), Writes(client, attribute=True))
    lookup = Lookup(SharedReader(reader))
    found = await lookup.answer(Search(term, exact=exact), Viewer("T1", "U1"), reference="ref-1")
    message = answer_message(found, company_domain="acme")
    assert_valid_blocks(message.blocks)
    return outcome(found), {"text": message.text, "blocks": message.blocks}


async def test_one_hit_answers_with_the_persons_card(client: PipedriveClient) -> None:
    said, message = await answer(client, "jane@acme.com", exact=True)
    assert said == "card"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Jane Smith", "emoji": True},
    }


async def test_several_hits_answer_with_a_pick_list(client: PipedriveClient) -> None:
    said, message = await answer(client, "Smith")
    assert said == "pick_list"
    values = [
        block["accessory"]["value"]
        for block in message["blocks"]
        if block.get("accessory", {}).get("action_id") == SHOW_PERSON_ACTION_ID
    ]
    assert values == ["1", "201"]


async def test_no_hit_says_no_person_matches(client: PipedriveClient) -> None:
    said, message = await answer(client, "<!channel> nobody")
    assert said == "no_match"
    assert message["text"] == ":mag: No person matches “&lt;!channel&gt; nobody”."


async def test_a_failed_search_gets_the_failure_answer(
    standin: PipedriveStandIn, client: PipedriveClient
) -> None:
    standin.misbehave(
        f"/api/{client.api_version}/persons/search",
        status=429,
        body={"success": False, "error": "Too many requests"},
        headers={"Retry-After": "0", "x-daily-requests-left": "0"},
    )
    said, message = await answer(client, "Smith")
    assert said == "rate_limited"
    # x-daily-requests-left counts POST/PUT requests: this is the burst limit, not the budget.
    assert "try again in 1 s" in message["text"] and "daily" not in message["text"]
