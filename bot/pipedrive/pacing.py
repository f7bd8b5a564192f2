"""Staying under Pipedrive's burst limits, per credential.

Pipedrive lets each token start a number of requests in any rolling 2-second window (20 to 120
for an API token, by plan) and at most 10 searches in it besides; a search counts in both. Every
answer announces the limit and what is left of it (`x-ratelimit-limit`, `-remaining`, `-reset`),
and a 429 asks for a wait. The pacer hands out start times so a burst queues instead of failing:
never more than the lower of our own setting and the announced limit, none while a hold lasts.

Where the start times and holds are kept is one seam, `SlotStore`: this process's memory here;
a store shared by several processes (Redis) can take its place.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.pipedrive.errors import PipedriveRateLimited

log = logging.getLogger(__name__)

BURST_WINDOW_SECONDS = 2.0
# Pipedrive's burst limit for an API token on the smallest plans (Essential): 20 per 2 s.
DEFAULT_BURST_LIMIT = 20
# Searches have their own, tighter limit on every plan: 10 per 2 s.
SEARCH_BURST_LIMIT = 10
# Requests reach Pipedrive a little after they start, some later than others: starts are kept
# this much further apart than the window, so Pipedrive never counts one too many.
WINDOW_GUARD_SECONDS = 0.2
# A wait longer than this is not believed: the window is 2 s, Pipedrive's 429 penalty 10 s.
MAX_HOLD_SECONDS = 60.0
# A request that gets going this much later than its start (a busy event loop) would reach
# Pipedrive bunched with the ones started after it: its slot is counted as spent, and it takes
# another. After this many such slots it goes anyway, rather than never.
LATE_START_SECONDS = 0.25
LATE_STARTS_RETAKEN = 3


@dataclass(frozen=True)
class Bucket:
    """At most `limit` starts in any `window` seconds, counted under `key`."""

    key: str
    limit: int
    window: float


class SlotStore(Protocol):
    """Where the pacer keeps each bucket's recent and reserved starts, and its holds."""

    async def reserve(self, buckets: Sequence[Bucket], *, now: float, latest: float) -> float:
        """The earliest start at or after `now`, after every start already handed out and every
        hold, that keeps each bucket within its limit. It is reserved in each bucket only when
        it is not after `latest`. A store may wait for the slot before it answers; the start
        it returns is then the time it took the slot (the pacer sees any lag after it)."""
        ...

    async def hold(self, key: str, until: float) -> None:
        """No start in bucket `key` before `until` (loop time)."""
        ...


class LocalSlots:
    """A `SlotStore` in this process's memory: right while one process holds the token."""

    def __init__(self) -> None:
        self._starts: defaultdict[str, deque[float]] = defaultdict(deque)
        self._holds: dict[str, float] = {}

    async def reserve(self, buckets: Sequence[Bucket], *, now: float, latest: float) -> float:
        start = now
        for bucket in buckets:
            starts = self._starts[bucket.key]
            while starts and starts[0] <= now - bucket.window:
                starts.popleft()  # out of every window from now on
            start = max(start, self._holds.get(bucket.key, start))
            if starts:
                start = max(start, starts[-1])  # first come, first served
            if len(starts) >= bucket.limit:
                start = max(start, starts[-bucket.limit] + bucket.window)
        if start <= latest:
            for bucket in buckets:
                self._starts[bucket.key].append(start)
        return start

    async def hold(self, key: str, until: float) -> None:
        self._holds[key] = max(until, self._holds.get(key, until))


@dataclass(frozen=True)
class Announcement:
    """What an answer's `x-ratelimit-*` headers say about its window."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # seconds until the window resets

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Announcement:
        return cls(
            limit=_count(headers.get("x-ratelimit-limit")),
            remaining=_count(headers.get("x-ratelimit-remaining")),
            reset=wait_seconds(headers.get("x-ratelimit-reset"), "x-ratelimit-reset"),
        )


class RequestPacer:
    """Start times for requests, by credential (whose token they are sent with).

    `wait_turn` before each request; `announce` what each answer's headers say; `hold` after a
    429. With `queue=False` a request starts at once or not at all: for reads a card can do
    without, which must not take a turn from the ones it needs.
    """

    def __init__(
        self,
        limit: int = DEFAULT_BURST_LIMIT,
        *,
        search_limit: int = SEARCH_BURST_LIMIT,
        window: float = BURST_WINDOW_SECONDS,
        guard: float = WINDOW_GUARD_SECONDS,
        store: SlotStore | None = None,
    ) -> None:
        self.limit = limit
        self.search_limit = min(limit, search_limit)
        self.window = window + guard
        self._store: SlotStore = store or LocalSlots()
        self._announced: dict[str, int] = {}

    async def wait_turn(
        self,
        credential: str,
        *,
        search: bool = False,
        queue: bool = True,
        deadline: float | None = None,
    ) -> None:
        """Wait for this request's start; `PipedriveRateLimited` if it would be after `deadline`
        (loop time), or later than now with `queue=False`. A refused request takes no turn.
        A start this process got to late takes another slot (`LATE_START_SECONDS`)."""
        now = asyncio.get_running_loop().time()
        if not queue:
            latest = now
        elif deadline is None:
            latest = math.inf
        else:
            latest = deadline
        buckets = [self._bucket(credential, self.limit)]
        if search:
            buckets.append(self._bucket(_search_key(credential), self.search_limit))
        loop = asyncio.get_running_loop()
        for retaken in range(LATE_STARTS_RETAKEN + 1):
            start = await self._store.reserve(buckets, now=now, latest=latest)
            if start > latest:
                wait, skipped = start - now, "" if queue else "skipped, "
                message = f"burst limit: {skipped}next start in {wait:.1f} s"
                raise PipedriveRateLimited(message, wait)
            # A store may have waited for the slot itself: only what is left of the wait.
            if (left := start - loop.time()) > 0:
                await asyncio.sleep(left)
            now = loop.time()
            late = now - start
            if late <= LATE_START_SECONDS:
                return
            if retaken < LATE_STARTS_RETAKEN:
                log.debug("a start %.2f s late: its slot is spent, taking another", late)

    async def announce(self, credential: str, said: Announcement, *, search: bool) -> None:
        """Follow what Pipedrive says of the window: a search's answer speaks of the searches'."""
        key = _search_key(credential) if search else credential
        if said.limit is not None and said.limit > 0:
            self._announced[key] = said.limit
        if said.remaining == 0 and said.reset:
            await self._hold_key(key, said.reset)

    async def hold(self, credential: str, seconds: float, *, search: bool = False) -> None:
        """After a 429: no request (no search, for a search's 429) starts for `seconds`."""
        await self._hold_key(_search_key(credential) if search else credential, seconds)

    def limit_for(self, credential: str, *, search: bool = False) -> int:
        """The most requests (or searches) that may start in one window now."""
        if search:
            return self._limit(_search_key(credential), self.search_limit)
        return self._limit(credential, self.limit)

    async def _hold_key(self, key: str, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + min(seconds, MAX_HOLD_SECONDS)
        await self._store.hold(key, until)

    def _limit(self, key: str, ours: int) -> int:
        return min(ours, self._announced.get(key, ours))

    def _bucket(self, key: str, ours: int) -> Bucket:
        return Bucket(key=key, limit=self._limit(key, ours), window=self.window)


def wait_seconds(value: str | None, header: str) -> float | None:
    """A header's wait in seconds; None unless a finite number ≥ 0. More than
    `MAX_HOLD_SECONDS` is suspect: logged, and cut to it."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    if seconds > MAX_HOLD_SECONDS:
        log.warning("%s says %r s; waiting %g s at most", header, value[:32], MAX_HOLD_SECONDS)
        return MAX_HOLD_SECONDS
    return seconds


def _count(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _search_key(credential: str) -> str:
    return f"{credential} search"
