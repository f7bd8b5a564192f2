"""PipedriveOAuth over loopback HTTP against the OAuth and API stand-ins: connect, refresh, who,
what each user may see, the uninstall notice, and no secret in any message."""

from __future__ import annotations

import base64
import json
import socket
import traceback
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError

from bot.pipedrive.oauth import (
    BearerAuth,
    OAuthError,
    OAuthRefused,
    OAuthUnavailable,
    PipedriveOAuth,
    TokenSet,
    UninstallNotice,
    api_origin,
    parse_uninstall_notice,
    verify_basic_auth,
)
from devkit.pipedrive import PipedriveStandIn
from devkit.pipedrive_oauth import ACME_COMPANY_ID, PipedriveOAuthStandIn
from devkit.serving import LoopbackServer
from tests.conftest import FakeClock

CLIENT_ID = "b4d083d9216986345b32"
CLIENT_SECRET = "client-secret-7f3e9a1c5b"
REDIRECT_URI = "https://cards.example.com/pipedrive/oauth/callback"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ANN, BOB, ZOE = 11, 12, 31  # Ann and Bob work at Acme; Zoe at another company
GLOBEX_COMPANY_ID = 999


def fixed_now() -> datetime:
    return NOW


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def pipedrive_api() -> AsyncIterator[PipedriveStandIn]:
    server = PipedriveStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def oauth_server(
    pipedrive_api: PipedriveStandIn, clock: FakeClock
) -> AsyncIterator[PipedriveOAuthStandIn]:
    server = PipedriveOAuthStandIn(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        api=pipedrive_api,
        redirect_uri=REDIRECT_URI,
        clock=clock,
    )
    server.add_user(ANN, "Ann Archer", "ann@acme.com")
    server.add_user(BOB, "Bob Baker", "bob@acme.com")
    server.add_user(
        ZOE, "Zoe Zed", "zoe@globex.com", company_id=GLOBEX_COMPANY_ID, company_domain="globex"
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield client


def oauth_client(
    server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    *,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
    redirect_uri: str = REDIRECT_URI,
) -> PipedriveOAuth:
    return PipedriveOAuth(
        oauth_url=server.url,
        client_id=client_id,
        client_secret=SecretStr(client_secret),
        redirect_uri=redirect_uri,
        http=http,
        clock=fixed_now,
    )


@pytest.fixture
def oauth(oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient) -> PipedriveOAuth:
    return oauth_client(oauth_server, http)


async def consent(
    oauth: PipedriveOAuth, http: httpx.AsyncClient, state: str = "state-1"
) -> dict[str, str]:
    """The user's browser: open the authorize URL, land on the callback; its query."""
    answer = await http.get(oauth.authorize_url(state))
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


async def connect(
    oauth: PipedriveOAuth,
    server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    user_id: int,
) -> TokenSet:
    server.consenting_user = user_id
    callback = await consent(oauth, http)
    return await oauth.exchange_code(callback["code"])


def basic(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def everything_shown(error: BaseException) -> str:
    return "\n".join([str(error), repr(error), "".join(traceback.format_exception(error))])


# -- the authorize URL and the consent redirect ----------------------------------------------


def test_authorize_url_carries_client_redirect_and_state_encoded() -> None:
    oauth = PipedriveOAuth(
        oauth_url="https://oauth.pipedrive.com",
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        redirect_uri="https://cards.example.com/pipedrive/oauth/callback?team=T1&x=a b",
    )
    state = "s/1+2=3&evil=1 #frag"

    url = urlsplit(oauth.authorize_url(state))

    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "oauth.pipedrive.com",
        "/oauth/authorize",
    )
    assert parse_qs(url.query, strict_parsing=True) == {
        "client_id": [CLIENT_ID],
        "redirect_uri": ["https://cards.example.com/pipedrive/oauth/callback?team=T1&x=a b"],
        "state": [state],
    }
    assert url.fragment == ""
    assert CLIENT_SECRET not in oauth.authorize_url(state)


async def test_consent_redirects_to_the_callback_with_a_code_and_the_state(
    oauth: PipedriveOAuth, http: httpx.AsyncClient
) -> None:
    callback = await consent(oauth, http, state="xyz 1/2")

    assert set(callback) == {"code", "state"}
    assert callback["state"] == "xyz 1/2"


async def test_a_cancelled_consent_redirects_with_access_denied(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    oauth_server.deny_next()

    assert await consent(oauth, http, state="s9") == {"error": "access_denied", "state": "s9"}
    assert "code" in await consent(oauth, http)  # only the next one


async def test_a_consent_without_state_comes_back_without_state(
    oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    # As installs started from Pipedrive's Marketplace arrive: the app sent no state.
    query = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI}

    answer = await http.get(f"{oauth_server.url}/oauth/authorize", params=query)

    assert answer.status_code == 302
    assert set(parse_qs(urlsplit(answer.headers["location"]).query)) == {"code"}


async def test_authorize_refuses_an_unknown_client(
    oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    stranger = oauth_client(oauth_server, http, client_id="someone-else")

    answer = await http.get(stranger.authorize_url("s"))

    assert answer.status_code == 400
    assert "location" not in answer.headers


# -- code exchange -----------------------------------------------------------------------------


async def test_a_code_is_exchanged_for_tokens_that_work_at_the_api_domain(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    pipedrive_api: PipedriveStandIn,
    http: httpx.AsyncClient,
) -> None:
    callback = await consent(oauth, http)

    tokens = await oauth.exchange_code(callback["code"])

    assert tokens.api_domain == pipedrive_api.url
    assert tokens.expires_at == NOW + timedelta(seconds=3599)
    assert tokens.scopes == {"base", "contacts:read", "activities:read", "users:read"}
    assert tokens.access_token.get_secret_value()
    assert tokens.refresh_token.get_secret_value()
    assert oauth_server.codes_exchanged == 1
    (sent,) = oauth_server.token_requests
    assert sent.headers["Authorization"] == basic(CLIENT_ID, CLIENT_SECRET)
    assert sent.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert sent.query == {}  # nothing secret in the URL
    assert sent.form == {
        "grant_type": "authorization_code",
        "code": callback["code"],
        "redirect_uri": REDIRECT_URI,
    }
    me = await oauth.current_user(tokens)
    assert me.id == ANN


async def test_the_lifetime_comes_from_expires_in(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    oauth_server.expires_in = 120

    tokens = await connect(oauth, oauth_server, http, ANN)

    assert tokens.expires_at == NOW + timedelta(seconds=120)
    assert tokens.expires_within(121, now=NOW)
    assert not tokens.expires_within(119, now=NOW)


async def test_a_code_is_single_use(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    code = (await consent(oauth, http))["code"]
    await oauth.exchange_code(code)

    with pytest.raises(OAuthRefused) as refused:
        await oauth.exchange_code(code)

    assert (refused.value.status, refused.value.error) == (400, "invalid_grant")
    assert oauth_server.codes_exchanged == 1


@pytest.mark.parametrize(("waited", "works"), [(299.0, True), (301.0, False)])
async def test_a_code_expires_after_five_minutes(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    clock: FakeClock,
    waited: float,
    works: bool,
) -> None:
    code = (await consent(oauth, http))["code"]
    clock.now += waited

    if works:
        await oauth.exchange_code(code)
    else:
        with pytest.raises(OAuthRefused) as refused:
            await oauth.exchange_code(code)
        assert refused.value.error == "invalid_grant"
    assert oauth_server.codes_exchanged == (1 if works else 0)


async def test_a_code_is_bound_to_its_redirect_uri(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    code = (await consent(oauth, http))["code"]
    elsewhere = oauth_client(oauth_server, http, redirect_uri="https://evil.example.com/cb")

    with pytest.raises(OAuthRefused) as refused:
        await elsewhere.exchange_code(code)

    assert refused.value.error == "invalid_request"


async def test_a_wrong_client_secret_is_refused_as_invalid_client(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    code = (await consent(oauth, http))["code"]
    wrong = oauth_client(oauth_server, http, client_secret="not-the-secret-4242")

    with pytest.raises(OAuthRefused) as refused:
        await wrong.exchange_code(code)

    assert (refused.value.status, refused.value.error) == (401, "invalid_client")
    assert "not-the-secret-4242" not in everything_shown(refused.value)
    assert code not in everything_shown(refused.value)


# -- refresh -----------------------------------------------------------------------------------


async def test_a_refresh_with_rotation_replaces_both_tokens(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    first = await connect(oauth, oauth_server, http, ANN)

    second = await oauth.refresh(first.refresh_token)

    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert (await oauth.current_user(second)).id == ANN
    assert oauth_server.refreshes == 1
    assert oauth_server.token_requests[-1].form == {
        "grant_type": "refresh_token",
        "refresh_token": first.refresh_token.get_secret_value(),
    }
    assert oauth_server.token_requests[-1].query == {}
    with pytest.raises(OAuthRefused):  # a rotated refresh token is spent
        await oauth.refresh(first.refresh_token)


async def test_a_refresh_without_a_new_refresh_token_keeps_the_old_one(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    oauth_server.rotate_refresh_tokens = False
    first = await connect(oauth, oauth_server, http, ANN)

    second = await oauth.refresh(first.refresh_token)
    third = await oauth.refresh(second.refresh_token)

    assert second.refresh_token == first.refresh_token
    assert third.refresh_token == first.refresh_token
    assert len({first.access_token, second.access_token, third.access_token}) == 3
    assert oauth_server.refreshes == 2


async def test_a_revoked_refresh_token_is_refused(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    tokens = await connect(oauth, oauth_server, http, ANN)
    oauth_server.refuse_refresh(ANN)

    with pytest.raises(OAuthRefused) as refused:
        await oauth.refresh(tokens.refresh_token)

    assert (refused.value.status, refused.value.error) == (400, "invalid_grant")
    assert isinstance(refused.value, OAuthError)
    assert tokens.refresh_token.get_secret_value() not in everything_shown(refused.value)


async def test_an_error_named_only_by_pipedrives_message_still_gives_its_code(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    tokens = await connect(oauth, oauth_server, http, ANN)
    body = {"success": False, "message": "Invalid grant: refresh_token is invalid"}
    oauth_server.fail_next_token_request(400, json.dumps(body).encode())

    with pytest.raises(OAuthRefused) as refused:
        await oauth.refresh(tokens.refresh_token)

    assert refused.value.error == "invalid_grant"
    assert "refresh_token is invalid" not in str(refused.value)  # codes, not the body's text


# -- the OAuth server failing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (503, b"Service Unavailable"),
        (500, b'{"success": false, "error": "Internal Server Error"}'),
        (429, b'{"success": false, "error": "too_many_requests"}'),
        (200, b"<html>maintenance</html>"),
        (200, b"[]"),
        (200, b'{"access_token": "a", "token_type": "bearer", "expires_in": 3599}'),
        (200, b'{"access_token": "", "expires_in": 3599, "api_domain": "https://a.pipedrive.com"}'),
        (200, b'{"access_token": "a", "expires_in": 0, "api_domain": "https://a.pipedrive.com"}'),
        (
            200,
            b'{"access_token": "a", "refresh_token": "r", "expires_in": 3599, "scope": "base",'
            b' "api_domain": "https://a.pipedrive.com/api/v1"}',
        ),
        (
            200,
            b'{"access_token": "a", "refresh_token": "r", "expires_in": 3599, "scope": "base",'
            b' "api_domain": "http://a.pipedrive.com"}',
        ),
        (
            200,
            b'{"access_token": "a", "refresh_token": "r", "token_type": "mac", "expires_in": 1,'
            b' "api_domain": "https://a.pipedrive.com"}',
        ),
        (302, b""),
    ],
)
async def test_a_failing_or_odd_token_answer_is_unavailable(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    status: int,
    raw: bytes,
) -> None:
    code = (await consent(oauth, http))["code"]
    oauth_server.fail_next_token_request(status, raw)

    with pytest.raises(OAuthUnavailable):
        await oauth.exchange_code(code)


async def test_an_unanswered_token_request_times_out_as_unavailable(
    oauth_server: PipedriveOAuthStandIn,
) -> None:
    oauth_server.fail_next_token_request(hang=True)
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.2)) as impatient:
        oauth = oauth_client(oauth_server, impatient)
        with pytest.raises(OAuthUnavailable, match="timed out"):
            await oauth.refresh(SecretStr("1:1:whatever"))


async def test_an_unreachable_oauth_server_is_unavailable(http: httpx.AsyncClient) -> None:
    closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    try:
        oauth = PipedriveOAuth(
            oauth_url=f"http://127.0.0.1:{closed.getsockname()[1]}",
            client_id=CLIENT_ID,
            client_secret=SecretStr(CLIENT_SECRET),
            redirect_uri=REDIRECT_URI,
            http=http,
        )
        with pytest.raises(OAuthUnavailable, match="ConnectError"):
            await oauth.exchange_code("some-code")
    finally:
        closed.close()


# -- who connected -------------------------------------------------------------------------------


async def test_current_user_names_each_user_and_their_company(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    ann = await oauth.current_user(await connect(oauth, oauth_server, http, ANN))
    bob = await oauth.current_user(await connect(oauth, oauth_server, http, BOB))
    zoe = await oauth.current_user(await connect(oauth, oauth_server, http, ZOE))

    assert (ann.id, ann.name, ann.email) == (ANN, "Ann Archer", "ann@acme.com")
    assert (bob.id, bob.name, bob.email) == (BOB, "Bob Baker", "bob@acme.com")
    assert (ann.company_id, ann.company_domain, ann.company_name) == (
        ACME_COMPANY_ID,
        "acme",
        "Acme",
    )
    assert bob.company_id == ACME_COMPANY_ID
    # Someone from another company connects fine; telling them apart is the caller's check.
    assert (zoe.id, zoe.company_id, zoe.company_domain) == (ZOE, GLOBEX_COMPANY_ID, "globex")


async def test_current_user_with_an_expired_token_is_refused(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    tokens = await connect(oauth, oauth_server, http, ANN)
    oauth_server.expire_access_tokens(ANN)

    with pytest.raises(OAuthRefused) as refused:
        await oauth.current_user(tokens)

    assert (refused.value.status, refused.value.error) == (401, "invalid_token")
    assert tokens.access_token.get_secret_value() not in everything_shown(refused.value)


async def test_current_user_on_a_failing_api_is_unavailable(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    pipedrive_api: PipedriveStandIn,
    http: httpx.AsyncClient,
) -> None:
    tokens = await connect(oauth, oauth_server, http, ANN)
    pipedrive_api.misbehave("/api/v1/users/me", status=502, raw=b"Bad Gateway", times=1)
    pipedrive_api.misbehave("/api/v1/users/me", status=200, body={"success": True}, times=1)

    with pytest.raises(OAuthUnavailable):
        await oauth.current_user(tokens)
    with pytest.raises(OAuthUnavailable):  # no data: no user
        await oauth.current_user(tokens)


# -- what each user's token reads -------------------------------------------------------------


async def read(
    http: httpx.AsyncClient, tokens: TokenSet, path: str, **params: str
) -> httpx.Response:
    return await http.get(
        f"{tokens.api_domain}{path}", params=params, auth=BearerAuth(tokens.access_token)
    )


def found_ids(answer: httpx.Response) -> list[int]:
    data: Any = answer.json()["data"]
    items = data["items"] if isinstance(data, dict) else data
    return [item.get("item", item)["id"] for item in items]


async def test_a_person_hidden_from_one_user_is_not_found_for_them_only(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    pipedrive_api: PipedriveStandIn,
    http: httpx.AsyncClient,
) -> None:
    ann = await connect(oauth, oauth_server, http, ANN)
    bob = await connect(oauth, oauth_server, http, BOB)
    oauth_server.hide(1, from_user_id=ANN)

    for path in ("/api/v2/persons/1", "/api/v1/persons/1", "/api/v2/persons/1/picture"):
        assert (await read(http, ann, path)).status_code == 404, path
        assert (await read(http, bob, path)).status_code == 200, path
    listed = {"ids": "1,201,202"}
    assert found_ids(await read(http, ann, "/api/v2/persons", **listed)) == [201, 202]
    assert found_ids(await read(http, bob, "/api/v2/persons", **listed)) == [1, 201, 202]
    for version in ("v2", "v1"):
        search = f"/api/{version}/persons/search"
        assert found_ids(await read(http, ann, search, term="Smith")) == [201]
        assert found_ids(await read(http, bob, search, term="Smith")) == [1, 201]
    # The API-token view is untouched.
    plain = await http.get(
        f"{pipedrive_api.url}/api/v2/persons/1", headers={"x-api-token": "demo-token"}
    )
    assert plain.status_code == 200
    # Which user's token each read carried.
    readers = {oauth_server.user_of(seen) for seen in pipedrive_api.requests}
    assert readers == {ANN, BOB, None}
    ann_reads = [seen.path for seen in pipedrive_api.requests if oauth_server.user_of(seen) == ANN]
    assert ann_reads.count("/api/v2/persons/1") == 1


async def test_an_expired_access_token_gets_401_until_refreshed(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    clock: FakeClock,
) -> None:
    ann = await connect(oauth, oauth_server, http, ANN)
    bob = await connect(oauth, oauth_server, http, BOB)
    oauth_server.expire_access_tokens(ANN)

    assert (await read(http, ann, "/api/v2/persons/1")).status_code == 401
    assert (await read(http, bob, "/api/v2/persons/1")).status_code == 200
    fresh = await oauth.refresh(ann.refresh_token)
    assert (await read(http, fresh, "/api/v2/persons/1")).status_code == 200
    # And by the clock: an hour later every access token has expired.
    clock.now += 3600
    assert (await read(http, fresh, "/api/v2/persons/1")).status_code == 401
    assert (await read(http, bob, "/api/v2/persons/1")).status_code == 401


async def test_without_any_credential_the_api_answers_401(
    pipedrive_api: PipedriveStandIn, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    for headers in ({}, {"Authorization": "Bearer made-up"}, {"x-api-token": "wrong"}):
        answer = await http.get(f"{pipedrive_api.url}/api/v2/persons/1", headers=headers)
        assert answer.status_code == 401


# -- the uninstall notice ------------------------------------------------------------------------


def test_basic_auth_of_the_app_credentials_is_verified() -> None:
    secret = SecretStr(CLIENT_SECRET)

    assert verify_basic_auth(basic(CLIENT_ID, CLIENT_SECRET), CLIENT_ID, secret)
    assert verify_basic_auth(
        basic(CLIENT_ID, CLIENT_SECRET).replace("Basic", "basic"), CLIENT_ID, secret
    )
    for header in (
        None,
        "",
        basic(CLIENT_ID, "wrong"),
        basic("other-client", CLIENT_SECRET),
        basic(CLIENT_ID, CLIENT_SECRET + "x"),
        basic(CLIENT_ID, CLIENT_SECRET).replace("Basic", "Bearer"),
        "Basic " + f"{CLIENT_ID}:{CLIENT_SECRET}",  # not encoded
        "Basic !!!not-base64!!!",
        "Basic",
    ):
        assert not verify_basic_auth(header, CLIENT_ID, secret), header
    # An unset secret never matches, not even an empty one.
    assert not verify_basic_auth(basic(CLIENT_ID, ""), CLIENT_ID, SecretStr(""))


def test_an_uninstall_notice_is_parsed() -> None:
    body = {
        "client_id": CLIENT_ID,
        "company_id": 54235233,
        "user_id": 123,
        "timestamp": "2026-03-01T12:00:00.000Z",
    }

    assert parse_uninstall_notice(json.dumps(body).encode()) == UninstallNotice(
        company_id=54235233,
        user_id=123,
        client_id=CLIENT_ID,
        timestamp="2026-03-01T12:00:00.000Z",
    )
    # Ids may come as strings.
    quoted = {"company_id": "54235233", "user_id": "123"}
    assert parse_uninstall_notice(json.dumps(quoted).encode()) == UninstallNotice(
        company_id=54235233, user_id=123
    )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"null",
        b'{"company_id": 1}',
        b'{"user_id": 1}',
        b'{"company_id": "acme", "user_id": 1}',
        b'{"company_id": 1, "user_id": true}',
        b'{"company_id": 1, "user_id": -5}',
        b'{"company_id": 1.5, "user_id": 2}',
        b"[" * 100_000,
        b'{"company_id": 1, "user_id": 2, "pad": "' + b"x" * 20_000 + b'"}',
    ],
)
def test_garbage_is_no_uninstall_notice(body: bytes) -> None:
    assert parse_uninstall_notice(body) is None


@given(st.binary(max_size=300))
def test_any_bytes_parse_without_raising(body: bytes) -> None:
    parsed = parse_uninstall_notice(body)
    assert parsed is None or (parsed.company_id > 0 and parsed.user_id > 0)


@given(
    company_id=st.integers(min_value=1, max_value=2**53),
    user_id=st.integers(min_value=1, max_value=2**53),
    extra=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
)
def test_any_well_formed_notice_parses_to_its_ids(
    company_id: int, user_id: int, extra: dict[str, str]
) -> None:
    body = {**extra, "company_id": company_id, "user_id": user_id}

    parsed = parse_uninstall_notice(json.dumps(body).encode())

    assert parsed is not None
    assert (parsed.company_id, parsed.user_id) == (company_id, user_id)


@given(st.text(max_size=200))
def test_any_header_verifies_false_or_true_without_raising(header: str) -> None:
    assert verify_basic_auth(header, CLIENT_ID, SecretStr(CLIENT_SECRET)) is (
        header == basic(CLIENT_ID, CLIENT_SECRET)
    )


class Callback(LoopbackServer):
    """The app's callback URL as far as the uninstall notice goes: checks it and records it."""

    def __init__(self) -> None:
        super().__init__()
        self.notices: list[UninstallNotice | None] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.delete("/pipedrive/oauth/callback", self._delete)]

    async def _delete(self, request: web.Request) -> web.Response:
        if not verify_basic_auth(
            request.headers.get("Authorization"), CLIENT_ID, SecretStr(CLIENT_SECRET)
        ):
            return web.Response(status=401)
        self.notices.append(parse_uninstall_notice(await request.read()))
        return web.Response(status=200)


@pytest.fixture
async def callback() -> AsyncIterator[Callback]:
    server = Callback()
    await server.start()
    yield server
    await server.stop()


async def test_pipedrives_uninstall_notice_is_verified_and_ends_the_users_tokens(
    oauth: PipedriveOAuth,
    oauth_server: PipedriveOAuthStandIn,
    http: httpx.AsyncClient,
    callback: Callback,
) -> None:
    tokens = await connect(oauth, oauth_server, http, BOB)
    to = f"{callback.url}/pipedrive/oauth/callback"

    assert await oauth_server.send_uninstall(BOB, to=to, client_secret="forged") == 401
    assert callback.notices == []
    assert await oauth_server.send_uninstall(BOB, to=to) == 200

    (notice,) = callback.notices
    assert notice is not None
    assert (notice.company_id, notice.user_id, notice.client_id) == (
        ACME_COMPANY_ID,
        BOB,
        CLIENT_ID,
    )
    assert (await read(http, tokens, "/api/v2/persons/1")).status_code == 401
    with pytest.raises(OAuthRefused):
        await oauth.refresh(tokens.refresh_token)


# -- tokens stay secret ------------------------------------------------------------------------


async def test_no_token_code_or_secret_in_any_message_or_repr(
    oauth: PipedriveOAuth, oauth_server: PipedriveOAuthStandIn, http: httpx.AsyncClient
) -> None:
    code = (await consent(oauth, http))["code"]
    tokens = await oauth.exchange_code(code)
    secrets = [
        CLIENT_SECRET,
        code,
        tokens.access_token.get_secret_value(),
        tokens.refresh_token.get_secret_value(),
    ]
    errors: list[BaseException] = []
    for attempt in (
        oauth.exchange_code(code),  # spent
        oauth_client(oauth_server, http, client_secret=CLIENT_SECRET + "!").refresh(
            tokens.refresh_token
        ),
    ):
        try:
            await attempt
        except OAuthError as error:
            errors.append(error)
    oauth_server.fail_next_token_request(
        200, json.dumps({"access_token": tokens.access_token.get_secret_value()}).encode()
    )
    try:
        await oauth.refresh(tokens.refresh_token)
    except OAuthError as error:
        errors.append(error)
    oauth_server.expire_access_tokens(ANN)
    try:
        await oauth.current_user(tokens)
    except OAuthError as error:
        errors.append(error)
    try:
        TokenSet(**{**tokens.model_dump(), "api_domain": "ftp://x"})
    except ValidationError as error:
        errors.append(error)

    assert len(errors) == 5
    shown = [everything_shown(error) for error in errors]
    shown += [repr(tokens), str(tokens), repr(oauth), repr(BearerAuth(tokens.access_token))]
    shown += [repr(tokens.model_dump()), tokens.model_dump_json()]
    for text in shown:
        for secret in secrets:
            assert secret not in text


# -- the token set ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://acme.pipedrive.com", "https://acme.pipedrive.com"),
        ("https://acme.pipedrive.com/", "https://acme.pipedrive.com"),
        ("https://ACME.pipedrive.com:443", "https://acme.pipedrive.com:443"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_an_api_domain_is_an_origin(given: str, origin: str) -> None:
    assert api_origin(given) == origin


@pytest.mark.parametrize(
    "given",
    [
        "http://acme.pipedrive.com",
        "http://localhost:8000",
        "acme.pipedrive.com",
        "https://",
        "https://acme.pipedrive.com/api/v1",
        "https://acme.pipedrive.com?x=1",
        "https://acme.pipedrive.com#x",
        "https://user:pw@acme.pipedrive.com",
        "https://acme.pipedrive.com:99999",
        "javascript:alert(1)",
        "",
    ],
)
def test_anything_else_is_no_api_domain(given: str) -> None:
    with pytest.raises(ValueError):
        api_origin(given)


def token_set(**overrides: Any) -> TokenSet:
    fields: dict[str, Any] = {
        "access_token": SecretStr("a"),
        "refresh_token": SecretStr("r"),
        "expires_at": NOW,
        "scope": "base,contacts:read",
        "api_domain": "https://acme.pipedrive.com",
    }
    return TokenSet(**{**fields, **overrides})


def test_a_token_set_is_frozen_in_utc_with_its_scopes() -> None:
    tokens = token_set()
    tallinn = token_set(expires_at=datetime.fromisoformat("2026-03-01T14:00:00+02:00"))

    assert tallinn.expires_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert tallinn.expires_at.tzinfo is UTC
    assert tokens.scopes == {"base", "contacts:read"}
    assert token_set(scope="base contacts:full").scopes == {"base", "contacts:full"}
    assert token_set(scope="").scopes == frozenset()
    with pytest.raises(ValidationError):
        tokens.scope = "admin"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        token_set(expires_at=datetime(2026, 3, 1, 12, 0))  # no time zone


def test_bearer_auth_sets_the_header_and_hides_the_token() -> None:
    auth = BearerAuth(SecretStr("t0ken-value"))
    request = httpx.Request("GET", "https://acme.pipedrive.com/api/v1/users/me")

    sent = next(auth.auth_flow(request))

    assert sent.headers["Authorization"] == "Bearer t0ken-value"
    assert "t0ken-value" not in repr(auth)
    assert "t0ken-value" not in str(sent.url)
