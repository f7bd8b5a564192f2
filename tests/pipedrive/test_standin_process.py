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


def test_it_tells_what_it_saw_as_the_in_process_stand_in_does() -> None:
    standin = PipedriveProcess(
        token="process-token", first=600, people=2, burst_limit=20, own_organizations=False
    )
    standin.start()
    try:
        with httpx.Client(base_url=standin.url, headers={"x-api-token": "process-token"}) as http:
            found = http.get("/api/v2/persons/601")
            other = http.get("/api/v2/persons/600")
            http.get("/api/v2/activities", params={"ids": "1,2"})
            http.get("/api/v2/persons/999")
        count, seen = standin.request_count(), standin.requests_from(1)
        tokens, recent = standin.tokens(), standin.arrived_within(60.0)
        first_only = standin.requests_from(0, 1)
    finally:
        standin.stop()

    assert found.json()["data"]["org_id"] == other.json()["data"]["org_id"]  # one shared org
    assert count == recent == 4
    paths = ["/api/v2/persons/600", "/api/v2/activities", "/api/v2/persons/999"]
    assert [request.path for request in seen] == paths
    assert [request.path for request in first_only] == ["/api/v2/persons/601"]
    assert tokens == 1 + 1 + 10 + 1  # two single reads, a list read, a single read
