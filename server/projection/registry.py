"""Every site's projection: loaded on first use, kept current by the hub's ordered events, reloaded when in doubt."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from server.clock import Clock
from server.events.envelope import Envelope
from server.events.hub import Hub
from server.projection.state import SiteState

# Reads a site's state from the database (in a worker thread); raises the domain error for an unknown site.
LoadState = Callable[[str], SiteState]
# Reads a site's services list in one language from the database: (seq, services).
LoadServices = Callable[[str, str], tuple[int, list[dict[str, Any]]]]
# Runs a database read off the event loop (server.api.reads.run_read: threads writers cannot fill).
RunRead = Callable[[Callable[[], Any]], Awaitable[Any]]
# Clock-driven changes (opening hours, notices' windows, minutes waited) come without an event;
# a state older than this on the application's clock is read again.
REFRESH_SECONDS = 5.0
# Loads that keep losing the race against new events give up and serve the newest one read.
MAX_RELOADS = 5


class Projections:
    """The site states this worker serves snapshots and services lists from."""

    def __init__(
        self, *, hub: Hub, clock: Clock, load: LoadState, load_services: LoadServices, run_read: RunRead
    ) -> None:
        self._hub = hub
        self._run_read = run_read
        self._clock = clock
        self._load = load
        self._load_services = load_services
        self._states: dict[str, SiteState] = {}
        self._loading: dict[str, asyncio.Future[SiteState]] = {}
        self.loads = 0  # database reads of a whole state, for tests and benchmarks
        hub.observe(self.apply)

    def apply(self, site: str, envelopes: Sequence[Envelope]) -> None:
        """Follow a batch of the site's events, in seq order (called by the hub before its fan-out)."""
        state = self._states.get(site)
        if state is not None:
            for envelope in envelopes:
                state.apply(envelope)

    def _current(self, state: SiteState) -> bool:
        now = self._clock.now()
        if state.stale or state.seq < self._hub.last_seq(state.site_id):
            return False
        turns = state.turns_at()
        return abs((now - state.made).total_seconds()) < REFRESH_SECONDS and (turns is None or now < turns)

    async def state(self, site: str) -> SiteState:
        """The site's current state; read from the database only when it is missing, stale or too old."""
        state = self._states.get(site)
        if state is not None and self._current(state):
            return state
        loading = self._loading.get(site)
        if loading is None:
            # One read serves every client that connects meanwhile (displays after a restart).
            loading = self._loading[site] = asyncio.ensure_future(self._reload(site))
            loading.add_done_callback(lambda _done: self._loading.pop(site, None))
        return await asyncio.shield(loading)

    async def _reload(self, site: str) -> SiteState:
        for _ in range(MAX_RELOADS):
            # An unknown site fails here, before the hub follows it.
            state: SiteState = await self._run_read(lambda: self._load(site))
            self.loads += 1
            await self._hub.open(site)
            if state.seq >= self._hub.last_seq(site):
                break
            # Events went out while the database was read; the next read has them.
        self._states[site] = state
        return state

    async def services(self, site: str, language: str) -> list[dict[str, Any]]:
        """The site's services list in a language, as of the current state."""
        state = await self.state(site)
        found = state.services.get(language)
        if found is not None:
            return found
        seq, services = await self._run_read(lambda: self._load_services(site, language))
        if seq == state.seq and not state.stale:
            state.services[language] = services
        return services
