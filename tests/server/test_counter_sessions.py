"""Counter sessions under contention, and what displays show of a counter nobody holds."""

from __future__ import annotations

import threading

import httpx

from tests.counter_app.watch import watching
from tests.support.live_server import LiveServer


def test_clerks_racing_for_one_counter_get_it_once(live_server: LiveServer) -> None:
    desks = [
        {**live_server.clerk_headers(name), "X-Aufruf-Workstation": f"ws-{index}"}
        for index, name in enumerate(["clerk1", "clerk2"] * 4)
    ]
    answers: list[int] = []
    start = threading.Barrier(len(desks))

    def open_counter(headers: dict[str, str]) -> None:
        start.wait()
        response = httpx.post(live_server.api("/counters/5/open"), json={}, headers=headers, timeout=30)
        answers.append(response.status_code)

    threads = [threading.Thread(target=open_counter, args=(headers,)) for headers in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [409] * (len(desks) - 1)
    holder = httpx.get(live_server.api("/counters/5/session"), headers=desks[0]).json()
    assert holder["open"] and holder["username"] in ("clerk1", "clerk2")


def test_a_closed_counter_shows_closed_on_the_display(live_server: LiveServer) -> None:
    clerk = {**live_server.clerk_headers(), "X-Aufruf-Workstation": "ws-a"}
    assert httpx.post(live_server.api("/counters/2/open"), json={}, headers=clerk).json()["open"]
    with watching(f"{live_server.ws_url}/ws/sites/demo/display") as display:
        shown = {c["id"]: c["status"] for c in display.snapshot()["data"]["counters"]}
        assert shown["2"] == "open" and shown["3"] == "closed"
        closed = httpx.post(live_server.api("/counters/2/close"), headers=clerk).json()
        assert (closed["open"], closed["close_reason"]) == (False, "closed")
        display.wait_for(lambda m: m["type"] == "counter.changed" and m["data"]["id"] == "2"
                         and m["data"]["status"] == "closed")
    listed = httpx.get(live_server.api("/sites/demo/counters"), headers=clerk).json()
    assert {c["id"]: c["status"] for c in listed}["2"] == "closed"
    # Logging out with nothing held closes nothing and is still fine.
    assert httpx.post(live_server.api("/auth/logout"), headers=clerk).json() == {"closed": []}
