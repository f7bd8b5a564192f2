"""Knows which answers are still being worked on, so a shutdown can wait for them."""

from __future__ import annotations

import asyncio


class InFlight:
    """Tasks still answering a Slack request; `drain` waits for them (and ones they start)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def track(self) -> None:
        """Count the running task as in flight until it finishes."""
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for every in-flight task; return how many are left."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            # Give tasks that a finished request scheduled a turn to start and track themselves.
            for _ in range(3):
                await asyncio.sleep(0)
            pending = set(self._tasks) - {asyncio.current_task()}
            remaining = deadline - loop.time()
            if not pending or remaining <= 0:
                return len(pending)
            await asyncio.wait(pending, timeout=remaining)
