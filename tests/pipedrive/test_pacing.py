"""RequestPacer: per credential, under the lower of our limit and Pipedrive's, holds after 429s.

A turn that would come after the deadline is refused at once with the wait it would take, so
these tests read the pacer's plan from that refusal instead of sleeping through it.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.pipedrive import PipedriveRateLimited
from bot.pipedrive.pacing import (
    MAX_HOLD_SECONDS,
    Announcement,
    RequestPacer,
    wait_seconds,
)

TOKEN = "api-token:aaaa"
OTHER = "api-token:bbbb"


def soon() -> float:
    return asyncio.get_running_loop().time() + 0.5


async def next_wait(pacer: RequestPacer, credential: str = TOKEN, *, search: bool = False) -> float:
    """How long the next request would wait for its turn (0 when it may start now)."""
    try:
        await pacer.wait_turn(credential, search=search, deadline=soon())
    except PipedriveRateLimited as refused:
        return refused.retry_after
    return 0.0


async def test_the_pacer_lets_a_burst_through_in_order() -> None:
    pacer = RequestPacer(limit=2, window=0.05, guard=0.0)
    started: list[int] = []

    async def request(number: int) -> None:
        await pacer.wait_turn(TOKEN)
        started.append(number)

    await asyncio.gather(*(request(n) for n in range(7)))
    assert started == list(range(7))


async def test_a_turn_past_the_deadline_is_refused_and_takes_no_turn() -> None:
    pacer = RequestPacer(limit=1, window=10.0, guard=0.0)
    await pacer.wait_turn(TOKEN)  # the first start is free
    with pytest.raises(PipedriveRateLimited) as raised:
        await pacer.wait_turn(TOKEN, deadline=soon())
    assert 9 < raised.value.retry_after <= 10
    # The refused request did not push the next one further back.
    assert 9 < await next_wait(pacer) <= 10


async def test_a_read_that_may_not_queue_is_refused_when_the_window_is_full() -> None:
    pacer = RequestPacer(limit=1, window=10.0)
    await pacer.wait_turn(TOKEN)
    with pytest.raises(PipedriveRateLimited):
        await pacer.wait_turn(TOKEN, queue=False)
    assert await next_wait(pacer) <= 10.2


async def test_starts_are_kept_a_guard_further_apart_than_the_window() -> None:
    pacer = RequestPacer(limit=1, window=2.0, guard=0.2)
    await pacer.wait_turn(TOKEN)
    assert 2.1 < await next_wait(pacer) <= 2.2


async def test_searches_count_in_the_tokens_window() -> None:
    pacer = RequestPacer(limit=3, window=10.0)
    for _ in range(3):
        await pacer.wait_turn(TOKEN, search=True)
    assert await next_wait(pacer) > 9  # an ordinary read waits for the searches' window too


async def test_searches_have_their_own_tighter_window() -> None:
    pacer = RequestPacer(limit=20, search_limit=10, window=10.0)
    for _ in range(10):
        await pacer.wait_turn(TOKEN, search=True)
    assert await next_wait(pacer, search=True) > 9
    assert await next_wait(pacer) == 0  # other reads still have room


async def test_a_lower_announced_limit_is_followed_a_higher_one_is_not() -> None:
    pacer = RequestPacer(limit=20, window=10.0)
    await pacer.announce(TOKEN, Announcement(limit=2), search=False)
    assert pacer.limit_for(TOKEN) == 2
    await pacer.wait_turn(TOKEN)
    await pacer.wait_turn(TOKEN)
    assert await next_wait(pacer) > 9

    await pacer.announce(TOKEN, Announcement(limit=80), search=False)
    assert pacer.limit_for(TOKEN) == 20  # never above our own setting


async def test_a_searchs_announcement_speaks_of_the_searches_window() -> None:
    pacer = RequestPacer(limit=20)
    await pacer.announce(TOKEN, Announcement(limit=5), search=True)
    assert pacer.limit_for(TOKEN, search=True) == 5
    assert pacer.limit_for(TOKEN) == 20


async def test_nothing_remaining_holds_until_the_reset() -> None:
    pacer = RequestPacer(limit=20)
    await pacer.announce(TOKEN, Announcement(limit=20, remaining=0, reset=3), search=False)
    assert 2.5 < await next_wait(pacer) <= 3
    assert await next_wait(pacer, OTHER) == 0


async def test_a_hold_is_per_credential() -> None:
    pacer = RequestPacer(limit=20)
    await pacer.hold(TOKEN, 30)
    assert 29 < await next_wait(pacer) <= 30
    assert await next_wait(pacer, OTHER) == 0


async def test_a_search_429_holds_only_searches() -> None:
    pacer = RequestPacer(limit=20)
    await pacer.hold(TOKEN, 10, search=True)
    assert await next_wait(pacer, search=True) > 9
    assert await next_wait(pacer) == 0


async def test_a_hold_is_never_longer_than_the_cap() -> None:
    pacer = RequestPacer(limit=20)
    await pacer.hold(TOKEN, 1e12)
    assert await next_wait(pacer) <= MAX_HOLD_SECONDS


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("0", 0.0), ("2.5", 2.5), ("-1", None), ("nan", None), ("inf", None), ("x", None)],
)
def test_wait_seconds_reads_plain_seconds(value: str, seconds: float | None) -> None:
    assert wait_seconds(value, "retry-after") == seconds


def test_an_absurd_wait_is_cut_to_the_cap_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.pipedrive.pacing"):
        assert wait_seconds("1e12", "retry-after") == MAX_HOLD_SECONDS
    (record,) = caplog.records
    assert "1e12" in record.getMessage()


def test_announcements_are_read_from_the_headers() -> None:
    headers = {"x-ratelimit-limit": "20", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2"}
    assert Announcement.from_headers(headers) == Announcement(limit=20, remaining=0, reset=2.0)
    junk = {"x-ratelimit-limit": "²", "x-ratelimit-remaining": "-1", "x-ratelimit-reset": "soon"}
    assert Announcement.from_headers(junk) == Announcement()


async def test_a_start_the_event_loop_got_to_late_takes_another_slot() -> None:
    pacer = RequestPacer(limit=1, window=0.2, guard=0.0)
    await pacer.wait_turn(TOKEN)

    async def busy() -> None:
        await asyncio.sleep(0.05)
        time.sleep(0.5)  # noqa: ASYNC251 - the event loop is busy past the next start

    await asyncio.gather(pacer.wait_turn(TOKEN), busy())

    # The late start's slot was spent without a request, and it took a fresh one: the next
    # request must wait for that one, where it would otherwise start at once.
    with pytest.raises(PipedriveRateLimited) as refused:
        await pacer.wait_turn(TOKEN, queue=False)
    assert 0.1 < refused.value.retry_after <= 0.2
