"""Recomputing each site's forecast off the request path, at most once per batch of changes, and publishing it.

Every worker receives every site's events and keeps its own forecasts from them, so workers agree. A
change marks its site; the background task recomputes marked sites one after another in a thread (the
replay is CPU work that would hold up every websocket if it ran on the event loop), resting as long as
the last one took so that it never takes more than about half a core from the requests. A batch ends
when the site has been quiet for a moment, so a clerk's finish and next call share one recompute. Where the figures
on the site's stream differ from the new ones, a `queue.changed` flagged `estimates_only` carries them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from aufruf.events import QueueChanged
from server.clock import Clock
from server.db import Database
from server.estimates import site_forecast
from server.events.envelope import Envelope, EventType
from server.events.log import record_event
from server.events.models import EventRecord
from server.forecasting.latest import LatestForecasts, attach, detach
from server.privacy import is_private_channel
from server.sites.lookup import get_site, site_services
from server.sites.models import Site
from server.sites.queue import queue_state

log = logging.getLogger(__name__)
# Set on the forecaster's own `queue.changed`: only the estimates moved, so it changes no forecast.
ESTIMATES_ONLY = "estimates_only"
ACTOR = "system:forecast"
# A forecast is recomputed this often even without changes: waits move on as counters work.
REFRESH_SECONDS = 60.0
# After a recompute the task rests this many times its duration before the next.
REST_SHARE = 1.0
# A batch of changes ends when its site has been quiet this long (a clerk's finish and next call come
# together), or this long after it began at the latest.
QUIET_SECONDS = 0.1
LONGEST_BATCH_SECONDS = 1.0
# How far back the latest published queue payload is looked for; not found, the figures are published.
RECENT_EVENTS = 20


def shown_figures(data: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    """The forecast's part of a queue payload: each service's range and whether it takes tickets."""
    services = (data or {}).get("services") or []
    return [(s.get("id"), _as_list(s.get("eta_minutes")), s.get("open"), s.get("closed_reason")) for s in services]


def _as_list(value: Any) -> list[int] | None:
    return list(value) if value is not None else None


class Forecaster:
    """Keeps the latest forecast of every site and recomputes a site after its changes."""

    def __init__(self, *, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self.store = LatestForecasts()
        self.store.on_stale = self.mark
        attach(self.store, database.engine, database.read_engine)
        # Observable figures: forecasts computed in the background, and updates published.
        self.recomputes = 0
        self.published = 0
        # Set while nothing waits to be recomputed; for whoever needs the figures to have caught up.
        self.settled = threading.Event()
        self._marked: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._computed_at: dict[str, float] = {}

    async def start(self) -> None:
        """Compute every site's first forecast, then keep them current until `stop`."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await asyncio.to_thread(self._first_forecasts)
        self.settled.set()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """End the background task, and let the database's engines go with the application."""
        detach(self.database.engine, self.database.read_engine)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def notice(self, envelope: Envelope) -> None:
        """An event reached this worker (on the loop thread): its site's forecast may have changed."""
        if envelope.type == EventType.queue_changed and envelope.data.get(ESTIMATES_ONLY):
            return
        # A staff channel (security, supervisors) is not a site: what it carries changes no wait.
        if is_private_channel(envelope.site):
            return
        self.mark(envelope.site)

    def mark_all(self) -> None:
        """Events may have been lost (a bus outage): recompute every site."""
        for site_id in self.store.sites():
            self.mark(site_id)

    def mark(self, site_id: str) -> None:
        """Recompute this site's forecast soon; callable from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._mark(site_id)
        else:
            loop.call_soon_threadsafe(self._mark, site_id)

    def _mark(self, site_id: str) -> None:
        self._marked.add(site_id)
        self.settled.clear()
        if self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=REFRESH_SECONDS)
            except TimeoutError:
                self._marked.update(self._due())
            await self._batch_ends()
            marked, self._marked = self._marked, set()
            for site_id in sorted(marked):
                started = time.perf_counter()
                try:
                    await asyncio.to_thread(self.refresh, site_id)
                except Exception:  # a failed recompute keeps the previous forecast; the next change retries
                    log.exception("recomputing the forecast of site %s failed", site_id)
                # Changes that came meanwhile wait a moment more and share the next recompute.
                await asyncio.sleep(REST_SHARE * (time.perf_counter() - started))
            if self._marked:
                self._wake.set()
            else:
                self.settled.set()

    async def _batch_ends(self) -> None:
        """Wait until no change came for `QUIET_SECONDS`, or `LONGEST_BATCH_SECONDS` after the first."""
        assert self._wake is not None
        ends = time.monotonic() + LONGEST_BATCH_SECONDS
        while (left := ends - time.monotonic()) > 0:
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=min(QUIET_SECONDS, left))
            except TimeoutError:
                return
        self._wake.clear()

    def _due(self) -> Iterable[str]:
        now = time.monotonic()
        return [s for s in self.store.sites() if now - self._computed_at.get(s, 0.0) >= REFRESH_SECONDS]

    def _first_forecasts(self) -> None:
        with self.database.read() as session:
            sites = list(session.exec(select(Site)).all())
            for site in sites:
                self._compute(session, site, self.clock.now())

    def _compute(self, session: Session, site: Site, now: datetime) -> None:
        services = site_services(session=session, site_id=site.id)
        self.store.put(site.id, site_forecast(session=session, site=site, services=services, now=now))
        self._computed_at[site.id] = time.monotonic()

    def refresh(self, site_id: str) -> bool:
        """Recompute a site's forecast from committed state; publish its figures if they changed (True then)."""
        with self.database.read() as session:
            site = get_site(session=session, site_id=site_id)
            self._compute(session, site, self.clock.now())
        self.recomputes += 1
        return self._publish(site_id)

    def _publish(self, site_id: str) -> bool:
        with self.database.transaction() as session:
            now = self.clock.now()
            data = queue_state(session=session, site_id=site_id, now=now).as_data()
            if shown_figures(data) == shown_figures(_last_queue(session=session, site_id=site_id)):
                return False
            record_event(
                session=session, site_id=site_id, type=EventType.queue_changed, at=now, actor=ACTOR,
                data=QueueChanged.build({**data, ESTIMATES_ONLY: True}),
            )
        self.published += 1
        return True


def _last_queue(*, session: Session, site_id: str) -> dict[str, Any] | None:
    """The data of the site's latest `queue.changed` among its recent events: what displays and phones show now."""
    # By the (site, seq) index from the newest: a change's events end with its queue.changed.
    recent = session.exec(
        select(EventRecord.seq, EventRecord.type)
        .where(EventRecord.site_id == site_id)
        .order_by(col(EventRecord.seq).desc())
        .limit(RECENT_EVENTS)
    ).all()
    seq = next((seq for seq, kind in recent if kind == EventType.queue_changed.value), None)
    if seq is None:
        return None
    data = session.exec(select(EventRecord.data).where(EventRecord.site_id == site_id, EventRecord.seq == seq)).first()
    return dict(data) if data is not None else None
