"""PipedriveClient against a mocked httpx (respx): paths, auth, status mapping, odd bodies."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from bot.pipedrive import (
    ApiVersion,
    PersonNotFound,
    PipedriveAuthError,
    PipedriveBadRequest,
    PipedriveClient,
    PipedriveError,
    PipedriveForbidden,
    PipedriveNotFound,
    PipedriveRateLimited,
    PipedriveUnavailable,
)
from bot.pipedrive.client import (
    DEFAULT_RETRY_AFTER,
    RECORD_BODY_MAX,
    ApiTokenAuth,
    retry_after_seconds,
)
from bot.pipedrive.pacing import MAX_HOLD_SECONDS
from devkit import PipedriveStandIn

from .clients import TOKEN, client_for
from .examples import read_fixture

ERRORS: dict[str, Any] = read_fixture("error-responses.json")

Call = Callable[[PipedriveClient], Awaitable[object]]


def error_body(name: str) -> Any:
    return ERRORS[name]["body"]


def ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "data": data})


def assert_no_token(error: BaseException) -> None:
    shown = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for text in shown:
        assert TOKEN not in text


# -- paths and query -------------------------------------------------------------------------


async def test_v2_person_reads_v2_path_with_include_fields(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(200, json=read_fixture("v2_GET_persons_id_200.json"))
    )

    person = await client.person(1)

    assert person.id == 1
    request = route.calls.last.request
    assert request.url.path == "/api/v2/persons/1"
    included = set(request.url.params["include_fields"].split(","))
    assert {
        "next_activity_id",
        "last_activity_id",
        "open_deals_count",
        "won_deals_count",
        "lost_deals_count",
        "closed_deals_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
    } <= included


async def test_v1_person_reads_v1_path(api: respx.MockRouter, v1_client: PipedriveClient) -> None:
    route = api.get("/api/v1/persons/1").mock(
        return_value=httpx.Response(200, json=read_fixture("person-1.json"))
    )

    person = await v1_client.person(1)

    assert person.name == "Will Smith"
    assert route.call_count == 1
    assert "include_fields" not in route.calls.last.request.url.params


@pytest.mark.parametrize(
    ("version", "call", "path", "fixture"),
    [
        (
            "v2",
            lambda c: c.organization(1),
            "/api/v2/organizations/1",
            "v2_GET_organizations_id_200.json",
        ),
        (
            "v1",
            lambda c: c.organization(1),
            "/api/v1/organizations/1",
            "v1_GET_organizations_id_200.json",
        ),
        ("v2", lambda c: c.activity(1), "/api/v2/activities/1", "v2_GET_activities_id_200.json"),
        ("v1", lambda c: c.activity(8), "/api/v1/activities/8", "v1_GET_activities_id_200.json"),
        ("v2", lambda c: c.user(2), "/api/v1/users/2", "v1_GET_users_id_200.json"),
        ("v1", lambda c: c.user(2), "/api/v1/users/2", "v1_GET_users_id_200.json"),
        ("v2", lambda c: c.current_user(), "/api/v1/users/me", "v1_GET_users_me_200.json"),
        (
            "v2",
            lambda c: c.person_picture(25),
            "/api/v2/persons/25/picture",
            "v2_GET_persons_id_picture_200.json",
        ),
    ],
)
async def test_related_reads_use_the_path_of_their_version(
    api: respx.MockRouter, version: ApiVersion, call: Call, path: str, fixture: str
) -> None:
    route = api.get(path).mock(return_value=httpx.Response(200, json=read_fixture(fixture)))

    async with client_for(version) as pipedrive:
        await call(pipedrive)

    assert route.call_count == 1
    assert len(api.calls) == 1


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://proxy.local/", "http://proxy.local/api/v2/persons/1"),
        ("http://proxy.local", "http://proxy.local/api/v2/persons/1"),
        (
            "http://proxy.local:8080/pipedrive/",
            "http://proxy.local:8080/pipedrive/api/v2/persons/1",
        ),
    ],
)
async def test_origin_override_is_used_as_a_whole(origin: str, expected: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.get(url__startswith=expected).mock(
            return_value=httpx.Response(200, json=read_fixture("v2_GET_persons_id_200.json"))
        )
        async with client_for("v2", origin=origin) as pipedrive:
            await pipedrive.person(1)

    assert route.call_count == 1
    url = route.calls.last.request.url
    assert str(url.copy_with(query=None)) == expected


# -- the token -------------------------------------------------------------------------------


async def test_token_goes_in_header_never_in_url(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    route = api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(200, json=read_fixture("v2_GET_persons_id_200.json"))
    )

    await client.person(1)

    request = route.calls.last.request
    assert request.headers["x-api-token"] == TOKEN
    assert "api_token" not in request.url.params
    assert TOKEN not in str(request.url)
    assert "authorization" not in request.headers


async def test_token_not_in_repr_of_client_or_auth() -> None:
    async with client_for("v2") as pipedrive:
        assert TOKEN not in repr(pipedrive)
        assert TOKEN not in str(pipedrive)
        assert "acme.pipedrive.com" in repr(pipedrive)
    assert TOKEN not in repr(ApiTokenAuth(SecretStr(TOKEN)))


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401, json={"success": False, "error": "unauthorized access"}),
        httpx.Response(403, json={"success": False, "error": "You do not have permissions"}),
        httpx.Response(404, json={"success": False, "error": "not found"}),
        httpx.Response(429, json={"success": False, "error": "Too many requests"}),
        httpx.Response(500, text="<html>oops</html>"),
        httpx.Response(400, json={"success": False, "error": "bad request"}),
        httpx.Response(200, text="<html>proxy</html>"),
        httpx.Response(200, json={"success": False}),
        httpx.Response(200, json={"success": True, "data": {"name": "no id"}}),
    ],
)
async def test_token_not_in_errors_or_logs(
    api: respx.MockRouter,
    client: PipedriveClient,
    caplog: pytest.LogCaptureFixture,
    response: httpx.Response,
) -> None:
    api.get("/api/v2/persons/1").mock(return_value=response)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(PipedriveError) as raised:
        await client.person(1)

    assert_no_token(raised.value)
    assert caplog.records, "httpx logs each request; nothing captured means the check is blind"
    assert TOKEN not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()


async def test_token_not_in_logs_over_a_real_socket(caplog: pytest.LogCaptureFixture) -> None:
    standin = PipedriveStandIn(token=TOKEN)
    await standin.start()
    caplog.set_level(logging.DEBUG)
    try:
        async with client_for("v2", origin=standin.url) as pipedrive:
            await pipedrive.person(1)
            with pytest.raises(PersonNotFound) as raised:
                await pipedrive.person(999)
    finally:
        await standin.stop()

    assert_no_token(raised.value)
    sent = {name.lower(): value for name, value in standin.requests[0].headers.items()}
    assert sent["x-api-token"] == TOKEN
    loggers = {record.name for record in caplog.records}
    assert any(name.startswith("httpcore") for name in loggers)
    assert TOKEN not in caplog.text


# -- status mapping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (401, error_body("v1_unauthorized_401_spec"), PipedriveAuthError),
        (402, error_body("generic_error_schema_docs"), PipedriveForbidden),
        (403, error_body("v1_forbidden_403_spec"), PipedriveForbidden),
        (403, error_body("oauth_scope_mismatch_403_third_party"), PipedriveForbidden),
        (403, error_body("feature_capping_403_docs"), PipedriveForbidden),
        (500, error_body("generic_error_schema_docs"), PipedriveUnavailable),
        (502, None, PipedriveUnavailable),
        (503, error_body("generic_error_schema_docs"), PipedriveUnavailable),
        (504, None, PipedriveUnavailable),
    ],
)
async def test_error_status_maps_to_its_error(
    api: respx.MockRouter,
    client: PipedriveClient,
    status: int,
    body: Any,
    error_type: type[PipedriveError],
) -> None:
    response = (
        httpx.Response(status, json=body)
        if body is not None
        else httpx.Response(status, text="<html><body>Bad gateway</body></html>")
    )
    api.get("/api/v2/persons/1").mock(return_value=response)

    with pytest.raises(error_type) as raised:
        await client.person(1)

    assert not isinstance(raised.value, PipedriveNotFound)
    assert "/api/v2/persons/1" in str(raised.value)
    assert str(status) in str(raised.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, error_body("v2_entity_not_found_404_spec")),
        (404, error_body("v1_person_not_found_404_third_party_mock")),
        (410, error_body("v1_field_gone_410_spec")),
        (404, None),
    ],
)
@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_missing_person_is_person_not_found(
    api: respx.MockRouter, status: int, body: Any, version: ApiVersion
) -> None:
    response = httpx.Response(status, json=body) if body else httpx.Response(status, text="gone")
    api.get(f"/api/{version}/persons/42").mock(return_value=response)

    async with client_for(version) as pipedrive:
        with pytest.raises(PersonNotFound) as raised:
            await pipedrive.person(42)

    assert raised.value.person_id == 42
    assert "42" in str(raised.value)


@pytest.mark.parametrize("status", [404, 410])
async def test_missing_user_is_not_found_but_not_person_not_found(
    api: respx.MockRouter, client: PipedriveClient, status: int
) -> None:
    api.get("/api/v1/users/7").mock(
        return_value=httpx.Response(status, json=read_fixture("v1_GET_users_id_404.json"))
    )

    with pytest.raises(PipedriveNotFound) as raised:
        await client.user(7)

    assert not isinstance(raised.value, PersonNotFound)


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.organization(5), "/api/v2/organizations/5"),
        (lambda c: c.activity(5), "/api/v2/activities/5"),
        (lambda c: c.person_picture(5), "/api/v2/persons/5/picture"),
    ],
)
async def test_missing_related_record_is_plain_not_found(
    api: respx.MockRouter, client: PipedriveClient, call: Call, path: str
) -> None:
    api.get(path).mock(
        return_value=httpx.Response(404, json=error_body("v2_entity_not_found_404_spec"))
    )

    with pytest.raises(PipedriveNotFound) as raised:
        await call(client)

    assert type(raised.value) is PipedriveNotFound


async def test_a_400_is_a_bad_request_not_a_bug_of_ours(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(400, json={"success": False, "error": "Validation failed"})
    )

    with pytest.raises(PipedriveBadRequest) as raised:
        await client.person(1)

    assert "HTTP 400" in str(raised.value)


async def test_current_user_with_bad_token_is_auth_error(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v1/users/me").mock(
        return_value=httpx.Response(401, json=read_fixture("v1_GET_users_me_401.json"))
    )

    with pytest.raises(PipedriveAuthError):
        await client.current_user()


# -- rate limits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "7", "x-ratelimit-reset": "3"}, 7.0),
        ({"x-ratelimit-reset": "3"}, 3.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT", "x-ratelimit-reset": "3"}, 3.0),
        ({"Retry-After": "-5"}, DEFAULT_RETRY_AFTER),
        ({"Retry-After": "nan"}, DEFAULT_RETRY_AFTER),
        ({"x-ratelimit-reset": "inf"}, DEFAULT_RETRY_AFTER),
        ({"Retry-After": "1e12"}, MAX_HOLD_SECONDS),
        ({}, DEFAULT_RETRY_AFTER),
    ],
)
async def test_rate_limited_says_when_to_come_back(
    api: respx.MockRouter, client: PipedriveClient, headers: dict[str, str], retry_after: float
) -> None:
    api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(
            429, headers=headers, json={"success": False, "error": "Too many requests"}
        )
    )

    with pytest.raises(PipedriveRateLimited) as raised:
        await client.person(1)

    assert raised.value.retry_after == retry_after


def test_retry_after_zero_is_honoured() -> None:
    response = httpx.Response(429, headers={"Retry-After": "0"})
    assert retry_after_seconds(response) == 0.0


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"x-daily-requests-left": "0", "Retry-After": "1"}, {"success": False}),
        ({"x-daily-requests-left": " 0 "}, None),
        ({}, {"success": False, "error": "Daily token budget exceeded"}),
    ],
)
async def test_every_429_is_the_burst_limit_saying_when_to_come_back(
    api: respx.MockRouter, client: PipedriveClient, headers: dict[str, str], body: Any
) -> None:
    # No documented header or body tells a spent daily budget from a burst: only when to retry.
    response = (
        httpx.Response(429, headers=headers, json=body)
        if body is not None
        else httpx.Response(429, headers=headers, text="<html>slow down</html>")
    )
    api.get("/api/v2/persons/1").mock(return_value=response)

    with pytest.raises(PipedriveRateLimited) as raised:
        await client.person(1)

    assert raised.value.retry_after == float(headers.get("Retry-After", DEFAULT_RETRY_AFTER))


# -- odd bodies on 200 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html><body>Sign in to the proxy</body></html>"),
        httpx.Response(200, content=b""),
        httpx.Response(200, content=b"\xff\xfe\x00garbage"),
        httpx.Response(200, json={"success": False, "error": "Requested service is not available"}),
        httpx.Response(200, json={"data": {"id": 1}}),
        httpx.Response(200, json={"success": "true", "data": {"id": 1}}),
        httpx.Response(200, json=[{"success": True, "data": {"id": 1}}]),
        httpx.Response(200, json="success"),
        httpx.Response(200, json={"success": True, "data": {"name": "No Id"}}),
        httpx.Response(200, json={"success": True, "data": {"id": "one"}}),
        httpx.Response(200, json={"success": True, "data": [{"id": 1}]}),
        httpx.Response(200, json={"success": True, "data": "Will Smith"}),
        httpx.Response(302, headers={"Location": "https://login.example.com/"}),
    ],
)
async def test_unusable_success_response_is_unavailable(
    api: respx.MockRouter, client: PipedriveClient, response: httpx.Response
) -> None:
    api.get("/api/v2/persons/1").mock(return_value=response)

    with pytest.raises(PipedriveUnavailable) as raised:
        await client.person(1)

    assert "/api/v2/persons/1" in str(raised.value)


async def test_deeply_nested_body_is_unavailable_not_recursion_error(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v2/persons/1").mock(return_value=httpx.Response(200, content=b"[" * 100_000))

    with pytest.raises(PipedriveUnavailable):
        await client.person(1)


async def test_deeply_nested_429_body_is_still_rate_limited(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "1"}, content=b"[" * 100_000)
    )

    with pytest.raises(PipedriveRateLimited) as raised:
        await client.person(1)

    assert raised.value.retry_after == 1


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_person_data_null_is_person_not_found(
    api: respx.MockRouter, version: ApiVersion
) -> None:
    api.get(f"/api/{version}/persons/3").mock(return_value=ok(None))

    async with client_for(version) as pipedrive:
        with pytest.raises(PersonNotFound) as raised:
            await pipedrive.person(3)

    assert raised.value.person_id == 3


async def test_user_data_null_is_not_found(api: respx.MockRouter, client: PipedriveClient) -> None:
    api.get("/api/v1/users/3").mock(return_value=ok(None))

    with pytest.raises(PipedriveNotFound) as raised:
        await client.user(3)

    assert not isinstance(raised.value, PersonNotFound)


async def test_body_is_not_leaked_into_the_error(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(500, json={"success": False, "error": "SECRET-INTERNAL-DETAIL"})
    )

    with pytest.raises(PipedriveUnavailable) as raised:
        await client.person(1)

    assert "SECRET-INTERNAL-DETAIL" not in str(raised.value)


# -- transport failures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.PoolTimeout("no free connection"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message"),
        httpx.ReadError("connection reset"),
    ],
)
async def test_transport_failure_is_unavailable(
    api: respx.MockRouter, client: PipedriveClient, failure: Exception
) -> None:
    api.get("/api/v2/persons/1").mock(side_effect=failure)

    with pytest.raises(PipedriveUnavailable) as raised:
        await client.person(1)

    assert "/api/v2/persons/1" in str(raised.value)
    assert type(failure).__name__ in str(raised.value)
    assert_no_token(raised.value)


async def test_transport_failure_on_related_read_names_its_path(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v1/users/123").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(PipedriveUnavailable) as raised:
        await client.user(123)

    assert "/api/v1/users/123" in str(raised.value)
    assert_no_token(raised.value)


async def test_undecodable_content_encoding_is_unavailable(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    api.get("/api/v2/persons/1").mock(
        return_value=httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip")
        )
    )

    with pytest.raises(PipedriveUnavailable) as raised:
        await client.person(1)

    assert "/api/v2/persons/1" in str(raised.value)


async def test_slow_response_over_a_real_socket_times_out() -> None:
    standin = PipedriveStandIn(token=TOKEN)
    await standin.start()
    # The real record, late: without the client timeout this would be a full person.
    standin.misbehave("/api/v2/persons/1", delay=1.0, body=standin.records["/api/v2/persons/1"])
    try:
        async with client_for("v2", origin=standin.url, timeout=httpx.Timeout(0.2)) as pipedrive:
            with pytest.raises(PipedriveUnavailable) as raised:
                await pipedrive.person(1)
    finally:
        await standin.stop()

    assert "timed out" in str(raised.value)
    assert "/api/v2/persons/1" in str(raised.value)
    assert_no_token(raised.value)
    assert standin.count("/api/v2/persons/1") == 1


async def test_connection_refused_over_a_real_socket_is_unavailable() -> None:
    standin = PipedriveStandIn(token=TOKEN)
    await standin.start()
    url = standin.url
    await standin.stop()  # nothing listens on that port now

    async with client_for("v2", origin=url) as pipedrive:
        with pytest.raises(PipedriveUnavailable) as raised:
            await pipedrive.person(1)

    assert "/api/v2/persons/1" in str(raised.value)


async def test_several_people_come_in_one_list_request(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    listed = read_fixture("v2_GET_persons_200.json")
    second = {**listed["data"][0], "id": 2, "name": "Second Person"}
    junk = {"name": "no id: left out, not fatal"}
    listed["data"] = [listed["data"][0], second, junk]
    route = api.get("/api/v2/persons").mock(return_value=httpx.Response(200, json=listed))

    found = await client.persons([1, 2, 3])

    assert sorted(found) == [1, 2]
    assert found[2].name == "Second Person"
    query = route.calls.last.request.url.params
    assert query["ids"] == "1,2,3"
    assert "next_activity_id" in query["include_fields"]
    assert query["include_option_labels"] == "true"


async def test_several_activities_come_in_one_list_request(
    api: respx.MockRouter, client: PipedriveClient
) -> None:
    listed = read_fixture("v2_GET_activities_200.json")
    route = api.get("/api/v2/activities").mock(return_value=httpx.Response(200, json=listed))

    found = await client.activities([1, 2])

    assert set(found) == {item["id"] for item in listed["data"]}
    assert route.calls.last.request.url.params["ids"] == "1,2"


async def test_v1_has_no_list_endpoint_so_each_person_is_read_alone(
    api: respx.MockRouter, v1_client: PipedriveClient
) -> None:
    api.get("/api/v1/persons/1").mock(
        return_value=httpx.Response(200, json=read_fixture("person-1.json"))
    )
    api.get("/api/v1/persons/2").mock(return_value=httpx.Response(404, json={"success": False}))

    found = await v1_client.persons([1, 2])

    assert list(found) == [1]  # the missing one is left out, as the list endpoint does


# -- hostile bodies over a real socket -------------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


async def test_a_body_that_never_ends_is_cut_at_the_requests_total_time(
    standin: PipedriveStandIn,
) -> None:
    # One byte every 0.05 s: httpx's read timeout (per chunk) never fires.
    standin.misbehave("/api/v2/persons/1", trickle=0.05)
    async with client_for("v2", origin=standin.url, request_timeout=0.5) as pipedrive:
        with pytest.raises(PipedriveUnavailable) as raised:
            await pipedrive.person(1)

    assert "no whole answer within 0.5 s" in str(raised.value)


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip-bomb"])
async def test_a_body_past_the_cap_is_unavailable(standin: PipedriveStandIn, gzip: bool) -> None:
    # 64 MiB: as JSON, or gzipped into about 64 KiB.
    standin.misbehave("/api/v2/persons/1", size=64 * 1024 * 1024, gzip=gzip)
    async with client_for("v2", origin=standin.url) as pipedrive:
        with pytest.raises(PipedriveUnavailable) as raised:
            await pipedrive.person(1)

    assert f"answer larger than {RECORD_BODY_MAX} bytes" in str(raised.value)


async def test_a_gzip_answer_within_the_cap_is_read(standin: PipedriveStandIn) -> None:
    standin.misbehave("/api/v2/persons/1", size=RECORD_BODY_MAX, gzip=True)
    async with client_for("v2", origin=standin.url) as pipedrive:
        person = await pipedrive.person(1)

    assert person.name == "Padded"
    assert standin.requests[-1].headers["Accept-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, headers={"Content-Encoding": "br"}, content=b"\x1b\x00"),
        httpx.Response(200, headers={"Content-Length": str(RECORD_BODY_MAX + 1)}, content=b"{}"),
    ],
    ids=["unasked-encoding", "declared-too-large"],
)
async def test_a_body_we_cannot_read_safely_is_unavailable(
    api: respx.MockRouter, client: PipedriveClient, response: httpx.Response
) -> None:
    api.get("/api/v2/persons/1").mock(return_value=response)

    with pytest.raises(PipedriveUnavailable):
        await client.person(1)


async def test_trickling_reads_leave_a_connection_for_new_work(
    standin: PipedriveStandIn,
) -> None:
    standin.misbehave("/api/v2/activities/*", trickle=0.5)
    # The pool as deployed for a plan of 100 requests per 2 s, so all sixty start at once.
    async with client_for("v2", origin=standin.url, burst_limit=100) as pipedrive:
        trickling = [asyncio.ensure_future(pipedrive.activity(n)) for n in range(1, 61)]
        try:
            await until(lambda: standin.count("/api/v2/activities/") == 60)
            organization = await pipedrive.organization(1234)
        finally:
            for read in trickling:
                read.cancel()
            await asyncio.gather(*trickling, return_exceptions=True)

    assert organization.name == "Org Name"


async def until(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
