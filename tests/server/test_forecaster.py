"""The wait forecast off the request path: follow-up figures on the stream, and one recompute per burst."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from server.clock import ManualClock
from server.counter_extras.channel import supervisor_channel
from server.db import Database
from server.estimates import site_forecast
from server.events.envelope import Envelope, EventType
from server.forecasting.forecaster import ESTIMATES_ONLY, Forecaster
from server.security.channel import security_channel
from server.sites.lookup import get_site, site_services
from tests.support.live_server import run_live_server
from tests.support.run_async import run_async
from tests.support.service_calls import draw, open_counters

MORNING = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def _receive(websocket: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(websocket.recv(), timeout=30)))


async def _until(websocket: ClientConnection, wanted: Any) -> list[dict[str, Any]]:
    """Every message up to and including the first for which `wanted` is true."""
    seen = [await _receive(websocket)]
    while not wanted(seen[-1]):
        seen.append(await _receive(websocket))
    return seen


def _estimates_update(message: dict[str, Any]) -> bool:
    return message["type"] == "queue.changed" and bool(message["data"].get(ESTIMATES_ONLY))


def _eta(message: dict[str, Any], service: str) -> list[int] | None:
    figures = next(s for s in message["data"]["services"] if s["id"] == service)
    return figures["eta_minutes"]


def _fresh_range(database: Database, clock: ManualClock, service: str) -> list[int] | None:
    """The range a new arrival gets by replaying the site as it stands in the database now."""
    with database.read() as session:
        site = get_site(session=session, site_id="demo")
        services = site_services(session=session, site_id="demo")
        forecast = site_forecast(session=session, site=site, services=services, now=clock.now())
        pk = next(s.pk for s in services if s.key == service)
        assert pk is not None
        found = forecast.for_new(pk)
    return list(found) if found is not None else None


def test_after_a_draw_the_stream_gets_the_new_ranges_the_request_did_not_compute(tmp_path: Path) -> None:
    clock = ManualClock(MORNING)
    with run_live_server(tmp_path, clock=clock) as server:
        database = Database(f"sqlite:///{server.data_dir / 'aufruf.db'}")
        clerk = server.clerk_headers()

        async def walk() -> None:
            async with connect(f"{server.ws_url}/ws/sites/demo/display") as display, \
                    httpx.AsyncClient(timeout=30) as http:
                await _receive(display)  # the snapshot
                # Counter 1 opens: anmeldung is served from now on, and the forecaster says how long it takes.
                (await http.post(server.api("/counters/1/resume"), headers=clerk)).raise_for_status()
                opened = (await _until(display, _estimates_update))[-1]
                before = _eta(opened, "anmeldung")
                assert before is not None and before == _fresh_range(database, clock, "anmeldung")
                drawn = await http.post(
                    server.api("/sites/demo/tickets"), json={"service": "anmeldung"}, headers=server.kiosk_headers
                )
                drawn.raise_for_status()
                # The drawn ticket shows what the kiosk showed a new arrival before it.
                assert drawn.json()["eta_minutes"] == before
                seen = await _until(display, _estimates_update)
                own = next(m for m in seen if m["type"] == "queue.changed" and not _estimates_update(m))
                # The draw's own queue.changed has the new line but the forecast it was drawn with ...
                assert own["data"]["lines"]["anmeldung"] == [drawn.json()["number"]]
                assert _eta(own, "anmeldung") == before
                # ... and the follow-up has the figures a replay of the new state gives.
                after = _eta(seen[-1], "anmeldung")
                assert after is not None and after == _fresh_range(database, clock, "anmeldung")
                assert after != before
                assert seen[-1]["data"]["lines"]["anmeldung"] == [drawn.json()["number"]]
                # Every view now reads the new forecast without computing one.
                services = (await http.get(server.api("/sites/demo/services"))).json()
                assert next(s for s in services if s["id"] == "anmeldung")["eta_minutes"] == after

        run_async(walk())
        database.dispose()


def test_a_burst_of_draws_is_recomputed_a_few_times_not_once_per_draw(tmp_path: Path) -> None:
    draws = 40
    with run_live_server(tmp_path, clock=ManualClock(MORNING)) as server:
        forecaster = server.context.forecaster
        httpx.post(server.api("/counters/1/resume"), headers=server.clerk_headers(), timeout=30).raise_for_status()

        async def burst() -> list[str]:
            async with connect(f"{server.ws_url}/ws/sites/demo/display") as display, \
                    httpx.AsyncClient(timeout=30) as http:
                await _receive(display)
                # Settled after the resume: what follows counts only the burst.
                assert await asyncio.to_thread(forecaster.settled.wait, 30)
                before = forecaster.recomputes
                answers = await asyncio.gather(*[
                    http.post(server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
                              headers=server.kiosk_headers)
                    for _ in range(draws)
                ])
                numbers = [answer.raise_for_status().json()["number"] for answer in answers]
                last = max(numbers)
                await _until(display, lambda m: m["type"] == "ticket.created" and m["data"]["number"] == last)
                # Every draw's events have reached the forecaster by now; wait until it has caught up.
                assert await asyncio.to_thread(forecaster.settled.wait, 30)
                recomputed = forecaster.recomputes - before
                assert 1 <= recomputed <= draws // 4, recomputed
                return numbers

        assert len(set(run_async(burst()))) == draws


def test_events_noticed_together_make_one_recompute(database: Database) -> None:
    clock = ManualClock(MORNING)
    open_counters(database, clock, "1")
    for _ in range(3):
        draw(database, clock, "anmeldung")

    async def run() -> tuple[int, int]:
        forecaster = Forecaster(database=database, clock=clock)
        await forecaster.start()
        try:
            for seq in range(1, 51):
                forecaster.notice(Envelope(seq=seq, type=EventType.ticket_created.value, at=clock.now(),
                                           site="demo", data={}))
            assert not forecaster.settled.is_set()
            assert await asyncio.to_thread(forecaster.settled.wait, 30)
            # The forecaster's own update changes no forecast: it marks nothing.
            forecaster.notice(Envelope(seq=51, type=EventType.queue_changed.value, at=clock.now(), site="demo",
                                       data={ESTIMATES_ONLY: True}))
            assert forecaster.settled.is_set()
            return forecaster.recomputes, forecaster.published
        finally:
            await forecaster.stop()

    recomputes, published = run_async(run())
    assert recomputes == 1
    # The draws' own queue.changed already carried these figures (no earlier forecast was kept): nothing to send.
    assert published == 0


def test_events_of_a_staff_channel_mark_no_site(database: Database) -> None:
    clock = ManualClock(MORNING)

    async def run() -> int:
        forecaster = Forecaster(database=database, clock=clock)
        await forecaster.start()
        try:
            for seq, channel in enumerate((security_channel("demo"), supervisor_channel("demo")), start=1):
                forecaster.notice(Envelope(seq=seq, type=EventType.device_status.value, at=clock.now(),
                                           site=channel, data={}))
            # Nothing to recompute: no batch is pending, and no recompute of a channel's key was tried.
            assert forecaster.settled.is_set()
            return forecaster.recomputes
        finally:
            await forecaster.stop()

    assert run_async(run()) == 0


def test_a_server_restarted_on_a_busy_day_has_forecasts_before_the_first_request(tmp_path: Path) -> None:
    clock = ManualClock(MORNING)
    with run_live_server(tmp_path, clock=clock) as server:
        httpx.post(server.api("/counters/1/resume"), headers=server.clerk_headers(), timeout=30).raise_for_status()
        for _ in range(3):
            httpx.post(server.api("/sites/demo/tickets"), json={"service": "anmeldung"},
                       headers=server.kiosk_headers, timeout=30).raise_for_status()
    with run_live_server(tmp_path, clock=clock) as server:
        assert server.context.forecaster.store.get("demo") is not None
        database = Database(f"sqlite:///{server.data_dir / 'aufruf.db'}")
        services = httpx.get(server.api("/sites/demo/services"), timeout=30).json()
        assert next(s for s in services if s["id"] == "anmeldung")["eta_minutes"] == _fresh_range(
            database, clock, "anmeldung"
        )
        database.dispose()



def test_a_burst_through_the_group_commit_shows_each_citizen_the_wait_behind_those_before(tmp_path: Path) -> None:
    # The Standesamt has one counter (8) at 10 minutes a case: the k-th citizen of a burst waits about
    # 10 k minutes, not what the first was shown.
    draws = 8
    clock = ManualClock(MORNING)
    with run_live_server(tmp_path, clock=clock) as server:
        forecaster = server.context.forecaster
        httpx.post(server.api("/counters/8/resume"), headers=server.clerk_headers(), timeout=30).raise_for_status()
        assert forecaster.settled.wait(30)

        async def burst() -> list[dict[str, Any]]:
            async with httpx.AsyncClient(timeout=30) as http:
                answers = await asyncio.gather(*[
                    http.post(server.api("/sites/demo/tickets"), json={"service": "standesamt"},
                              headers=server.kiosk_headers)
                    for _ in range(draws)
                ])
            return sorted((answer.raise_for_status().json() for answer in answers), key=lambda t: t["id"])

        drawn = run_async(burst())
        shown = [tuple(ticket["eta_minutes"]) for ticket in drawn]
        assert len(set(shown)) == draws, shown
        assert shown == sorted(shown), shown
        # A fresh replay of the database after the burst, every ticket in.
        database = Database(f"sqlite:///{server.data_dir / 'aufruf.db'}")
        with database.read() as session:
            site = get_site(session=session, site_id="demo")
            forecast = site_forecast(
                session=session, site=site, services=site_services(session=session, site_id="demo"), now=clock.now()
            )
        database.dispose()
        for place, (ticket, figures) in enumerate(zip(drawn, shown, strict=True)):
            # One counter, free now, 10 minutes a case (the configured time: no history yet).
            assert forecast.expected[("ticket", ticket["id"])] == pytest.approx(10.0 * place)
            fresh = forecast.for_ticket(ticket["id"])
            assert fresh is not None
            assert abs(figures[0] - fresh[0]) <= 1 and abs(figures[1] - fresh[1]) <= 1, (place, figures, fresh)
