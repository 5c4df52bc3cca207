"""The newest forecast per site, read by commands and views instead of computing one on the request path."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from server.calibration.history import remember
from server.estimates import Forecast, site_forecast
from server.sites.lookup import ahead_of, serving_counters
from server.sites.models import Service, Site
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket

Stale = Callable[[str], None]


class LatestForecasts:
    """The last forecast computed for each site of one application; safe to read from any thread."""

    def __init__(self) -> None:
        self._by_site: dict[str, Forecast] = {}
        self._lock = threading.Lock()
        # Told when a request had to compute a site's first forecast in its own (uncommitted) transaction.
        self.on_stale: Stale | None = None

    def get(self, site_id: str) -> Forecast | None:
        """The site's newest forecast, or None before its first."""
        return self._by_site.get(site_id)

    def put(self, site_id: str, forecast: Forecast) -> None:
        """Keep a newly computed forecast for the site."""
        with self._lock:
            self._by_site[site_id] = forecast

    def sites(self) -> list[str]:
        """The sites that have a forecast."""
        with self._lock:
            return list(self._by_site)


# One store per application, found from a session's engine: commands only get their session.
_stores: weakref.WeakKeyDictionary[Engine, LatestForecasts] = weakref.WeakKeyDictionary()


def attach(store: LatestForecasts, *engines: Engine) -> None:
    """Let sessions on these engines read the store's forecasts."""
    for engine in engines:
        _stores[engine] = store


def detach(*engines: Engine) -> None:
    """Forget these engines' store: its application stopped."""
    for engine in engines:
        _stores.pop(engine, None)


def store_of(session: Session) -> LatestForecasts | None:
    """The store of the application that owns the session's engine, if one keeps forecasts."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    return _stores.get(engine) if engine is not None else None


def current_forecast(*, session: Session, site: Site, services: Sequence[Service], now: datetime) -> Forecast:
    """The site's latest forecast, with which services are served as they stand in this transaction.

    Without a running application (a script, a test on the database alone) it is computed here, fresh. A
    site without a forecast yet gets one computed here once; the forecaster then recomputes it from
    committed state. Whether a counter serves a line is a fact, not a forecast: read now, so a clerk who
    resumes is counted by the very next draw.
    """
    store = store_of(session)
    forecast = store.get(site.id) if store is not None else None
    if forecast is None:
        # The forecast's own queries would flush pending changes anyway.
        forecast = site_forecast(session=session, site=site, services=list(services), now=now)
        if store is None:
            return forecast
        store.put(site.id, forecast)
        if store.on_stale is not None:
            store.on_stale(site.id)
    active = {service.pk for service in services}
    served = frozenset(pk for pk in serving_counters(session=session, site_id=site.id) if pk in active)
    return forecast if served == forecast.served else replace(forecast, served=served)


def known_to(forecast: Forecast, ticket_id: int | None) -> bool:
    """Whether the forecast was made with this ticket waiting (not drawn or put back in line since)."""
    return ("ticket", ticket_id) in forecast.expected


def newer_ahead(*, session: Session, forecast: Forecast, ticket: Ticket) -> int:
    """How many tickets the forecast has not seen wait before this one (itself unseen) in its line."""
    if known_to(forecast, ticket.id) or ticket.status != TicketStatus.waiting:
        return 0
    ahead = session.exec(
        select(Ticket.id).where(
            Ticket.site_id == ticket.site_id, Ticket.service_pk == ticket.service_pk,
            Ticket.status == TicketStatus.waiting, ahead_of(ticket),
        )
    ).all()
    return sum(1 for ticket_id in ahead if not known_to(forecast, ticket_id))


def ticket_range(forecast: Forecast, ticket: Ticket, *, newer: int = 0) -> tuple[int, int] | None:
    """A waiting ticket's range: its own, or for one newer than the forecast what a new arrival gets behind the
    `newer` other unseen tickets before it (see `newer_ahead`)."""
    shown = _shown(forecast, ticket, newer)
    return shown[0] if shown is not None else None


def shown_expected(forecast: Forecast, ticket: Ticket, *, newer: int = 0) -> float | None:
    """The expected wait behind the range `ticket_range` gives, or None where it gives none."""
    shown = _shown(forecast, ticket, newer)
    return shown[1] if shown is not None else None


def _shown(forecast: Forecast, ticket: Ticket, newer: int) -> tuple[tuple[int, int], float] | None:
    """A ticket's range and the expected wait behind it."""
    own = ("ticket", ticket.id) if known_to(forecast, ticket.id) else None
    if own is None and ticket.appointment_id is not None:
        # A check-in the forecast expected as a booking: it counted this citizen already, from the priority
        # window on (an early one is called with priority from then, as the booking would have been).
        own = ("booking", ticket.appointment_id)
    if own is not None and own in forecast.ranges:
        return forecast.ranges[own], forecast.expected[own]
    if own is not None and own[0] == "ticket":
        return None
    priority = ticket.priority > 0
    found = forecast.for_arrival(ticket.service_pk, newer_ahead=newer, priority=priority)
    expected = forecast.arrival_expected(ticket.service_pk, newer_ahead=newer, priority=priority)
    return (found, expected) if found is not None and expected is not None else None


def remember_shown(
    *, session: Session, site_id: str, forecast: Forecast, tickets: Sequence[Ticket],
    newer: Mapping[int, int] | None = None,
) -> None:
    """Record the expected wait behind each new ticket's shown range, so later ranges learn from its errors.

    `newer` gives per ticket id the unseen tickets before it, as its range was made with.
    """
    expected: dict[int, float] = {}
    for ticket in tickets:
        if ticket.id is None:
            continue
        figure = shown_expected(forecast, ticket, newer=(newer or {}).get(ticket.id, 0))
        if figure is not None:
            expected[ticket.id] = figure
    remember(
        session=session, site_id=site_id, expected=expected, service_minutes=forecast.service_minutes, tickets=tickets
    )
