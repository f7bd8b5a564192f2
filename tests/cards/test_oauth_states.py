"""OAuth states: signed, expiring after 10 minutes, usable once, across processes (Redis)."""

from __future__ import annotations

import pytest

from bot.cards.oauth_states import STATE_TTL_SECONDS, OAuthStates, PendingConnect
from bot.store.shared_state import SharedState
from tests.conftest import FakeClock

KEY = b"a-token-encryption-key"
PENDING = PendingConnect(
    team_id="T1", user_id="U1", response_url="https://hooks.slack.com/commands/1", query="42"
)


def pair(states: tuple[SharedState, SharedState], clock: FakeClock) -> tuple[OAuthStates, ...]:
    first, second = states
    return OAuthStates(KEY, first, clock=clock), OAuthStates(KEY, second, clock=clock)


async def test_a_state_brings_back_who_asked(states: tuple[SharedState, SharedState]) -> None:
    issuer, _ = pair(states, FakeClock())
    state = await issuer.issue(PENDING)
    longer = PendingConnect(
        team_id="T1", user_id="U1", response_url=PENDING.response_url + "/x" * 200, query="42"
    )
    # Only a nonce travels: the state's length does not grow with what it stands for,
    # and the asker's details are not in it (a random nonce could spell "U1", not a URL).
    assert len(await issuer.issue(longer)) == len(state)
    assert "hooks.slack.com" not in state
    assert await issuer.redeem(state) == PENDING


async def test_a_state_works_once_even_in_another_process(
    states: tuple[SharedState, SharedState],
) -> None:
    issuer, other = pair(states, FakeClock())
    state = await issuer.issue(PENDING)
    assert await other.redeem(state) == PENDING
    assert await issuer.redeem(state) is None
    assert await other.redeem(state) is None


async def test_a_state_expires_after_ten_minutes(states: tuple[SharedState, SharedState]) -> None:
    clock = FakeClock()
    issuer, _ = pair(states, clock)
    state = await issuer.issue(PENDING)
    clock.now += STATE_TTL_SECONDS + 1
    assert await issuer.redeem(state) is None


@pytest.mark.parametrize("change", ["signature", "expiry", "nonce"])
async def test_a_tampered_state_is_refused(
    states: tuple[SharedState, SharedState], change: str
) -> None:
    issuer, _ = pair(states, FakeClock())
    nonce, expires, signature = (await issuer.issue(PENDING)).split(".")
    forged = {
        "signature": f"{nonce}.{expires}.{signature[:-2]}xx",
        "expiry": f"{nonce}.{int(expires) + 3600}.{signature}",
        "nonce": f"x{nonce[1:]}.{expires}.{signature}",
    }[change]
    assert await issuer.redeem(forged) is None


async def test_a_state_signed_with_another_key_is_refused(
    states: tuple[SharedState, SharedState],
) -> None:
    first, second = states
    clock = FakeClock()
    state = await OAuthStates(b"another-key", first, clock=clock).issue(PENDING)
    assert await OAuthStates(KEY, second, clock=clock).redeem(state) is None


@pytest.mark.parametrize("garbage", ["", "...", "a.b", "a.b.c.d", "x" * 500])
async def test_garbage_is_refused(states: tuple[SharedState, SharedState], garbage: str) -> None:
    issuer, _ = pair(states, FakeClock())
    assert await issuer.redeem(garbage) is None
