"""The Pipedrive stand-in in a process of its own counts what it serves and what its burst
window refuses, as the in-process one does (the burst tests read their verdict from it)."""

from __future__ import annotations

import httpx

from devkit.pipedrive_process import PipedriveProcess


def test_requests_past_the_window_are_refused_and_counted() -> None:
    standin = PipedriveProcess(token="process-token", first=500, people=3, burst_limit=5)
    standin.start()
    try:
        with httpx.Client(base_url=standin.url, headers={"x-api-token": "process-token"}) as http:
            statuses = [http.get("/api/v2/persons/501").status_code for _ in range(8)]
            person = http.get("/api/v2/persons/502")  # refused too: the window is per token
        counts = standin.counts()
    finally:
        standin.stop()

    assert statuses == [200] * 5 + [429] * 3
    assert person.status_code == 429
    assert (counts.requests, counts.over_limit) == (9, 4)
