"""The live state of a site's lines: who waits where, and how long it will take."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from aufruf.events import QueueChanged
from server.closing.days import is_day_closed
from server.day_controls.models import ServiceDayControl
from server.day_controls.state import controls_today
from server.errors import Conflict
from server.estimates import Forecast
from server.forecasting.latest import current_forecast
from server.sites.availability import Availability, availability, resume_times
from server.sites.hours import closing_time
from server.sites.lookup import get_site, issued_counts, site_services
from server.sites.models import Service, Site
from server.sites.schemas import ServiceOut
from server.tickets.lines import waiting_lines


def today_quota(*, session: Session, site: Site, service: Service, now: datetime) -> int | None:
    """Today's ticket quota of a service: a supervisor's figure for today, else the configured one."""
    assert service.pk is not None
    return _quota(controls_today(session=session, site=site, now=now).get(service.pk), service)


def _quota(control: ServiceDayControl | None, service: Service) -> int | None:
    return control.quota if control is not None and control.quota is not None else service.daily_quota


@dataclass
class DayFacts:
    """What decides today whether a site's services take tickets: read once per change, not once per service."""

    site: Site
    now: datetime
    day_closed: bool
    controls: Mapping[int, ServiceDayControl]
    # Today's count per service pk: read only when a service has a quota, or given by a caller that counts.
    issued: Mapping[int, int] | None
    # The forecast, for the closing-time and served checks; computed on first need when not given.
    forecast: Callable[[], Forecast]

    def reason(self, service: Service, *, issued: int | None = None) -> str | None:
        """Why the service takes no new tickets now, or None; `issued` is today's count when the caller knows it."""
        site, now = self.site, self.now
        if not service.active:
            return "inactive"
        if self.day_closed:
            return "day_closed"
        assert service.pk is not None
        control = self.controls.get(service.pk)
        if control is not None and control.closed:
            return "closed_by_supervisor"
        if not site.always_open:
            closes = closing_time(site, now)
            if closes is None:
                return "closed"
            minutes_left = (closes - now).total_seconds() / 60
            if minutes_left <= service.last_ticket_minutes:
                return "last_ticket_issued"
            # Nobody draws a ticket that, by the expected wait plus its service time, ends after closing.
            done = self.forecast().done_new(service.pk)
            if done is not None and done > minutes_left:
                return "cannot_be_served_today"
        if not site.issue_when_unserved and service.pk not in self.forecast().served:
            return "not_served"
        quota = _quota(control, service)
        if quota is not None:
            count = issued if issued is not None else (self.issued or {}).get(service.pk, 0)
            if count >= quota:
                return "quota_reached"
        return None

    def message(self, service: Service) -> dict[str, str] | None:
        """The supervisor's message per language while the service is closed for the rest of the day."""
        assert service.pk is not None
        control = self.controls.get(service.pk)
        return dict(control.message) if control is not None and control.closed else None


def day_facts(
    *,
    session: Session,
    site: Site,
    now: datetime,
    services: Sequence[Service] = (),
    forecast: Forecast | None = None,
    issued: Mapping[int, int] | None = None,
) -> DayFacts:
    """The site's facts of the day at `now` in at most three queries (closure, controls, today's counts).

    `services` are those whose reasons will be asked for: today's counts are read only if one has a quota.
    """
    controls = controls_today(session=session, site=site, now=now)
    if issued is None and any(_quota(controls.get(s.pk or 0), s) is not None for s in services):
        issued = issued_counts(session=session, site=site, now=now)
    known: list[Forecast] = [forecast] if forecast is not None else []

    def latest() -> Forecast:
        if not known:
            every = site_services(session=session, site_id=site.id)
            known.append(current_forecast(session=session, site=site, services=every, now=now))
        return known[0]

    return DayFacts(
        site=site, now=now, day_closed=is_day_closed(session=session, site=site, now=now), controls=controls,
        issued=issued, forecast=latest,
    )


def closed_reason(
    *,
    session: Session,
    site: Site,
    service: Service,
    now: datetime,
    forecast: Forecast | None = None,
    issued: int | None = None,
) -> str | None:
    """Why a service takes no new tickets now, or None; `issued` is today's count when the caller knows it."""
    facts = day_facts(
        session=session, site=site, now=now, services=[service] if issued is None else [], forecast=forecast
    )
    return facts.reason(service, issued=issued)


CLOSED_MESSAGES: dict[str, str] = {
    "inactive": "This service is not offered at the moment.",
    "closed": "The office is closed now.",
    "day_closed": "Today's queue is closed; please come back on the next opening day.",
    "last_ticket_issued": "The last ticket for today has been issued.",
    "quota_reached": "Today's tickets for this service are all taken.",
    "cannot_be_served_today": "The waiting line is too long to be served before closing; please come back another day.",
    "not_served": "No counter serves this service at the moment.",
    "closed_by_supervisor": "This service takes no more tickets today.",
}


def ensure_open(*, session: Session, site: Site, service: Service, now: datetime) -> None:
    """Raise Conflict with the reason when a service takes no new tickets."""
    reason = closed_reason(session=session, site=site, service=service, now=now)
    if reason is not None:
        raise Conflict(CLOSED_MESSAGES[reason], code=f"service_{reason}")


@dataclass(frozen=True)
class QueueState:
    """Every service's figures plus each line's waiting numbers in order."""

    services: list[ServiceOut]
    lines: dict[str, list[str]]

    def as_data(self) -> dict[str, object]:
        """JSON-ready form used in snapshots and queue.changed events."""
        return self.event().payload()

    def event(self) -> QueueChanged:
        """The queue.changed payload: the services are its lines already, so nothing is validated twice."""
        return QueueChanged(services=list(self.services), lines=self.lines)


def servers_for(service: Service, *, open_now: dict[int, int], capable: dict[int, int]) -> int:
    """Counters to divide a line by: those open now, else all that could serve it."""
    assert service.pk is not None
    return open_now.get(service.pk) or capable.get(service.pk) or 1


def queue_state(*, session: Session, site_id: str, now: datetime, language: str = "de") -> QueueState:
    """Compute the whole site's queue figures in a handful of queries."""
    site = get_site(session=session, site_id=site_id)
    services = site_services(session=session, site_id=site_id)
    # Plain rows, no ORM objects: a busy day has hundreds waiting, and this runs on every change.
    lines, waiting = waiting_lines(session=session, site_id=site_id)
    forecast = current_forecast(session=session, site=site, services=services, now=now)
    facts = day_facts(session=session, site=site, now=now, services=services, forecast=forecast)
    unserved = any(service.pk not in forecast.served for service in services)
    return build_queue_state(
        site=site, services=services, lines=lines, waiting=waiting, forecast=forecast, facts=facts,
        resumes=resume_times(session=session, site=site, now=now) if unserved else {}, now=now, language=language,
    )


def build_queue_state(
    *,
    site: Site,
    services: Sequence[Service],
    lines: Mapping[int, tuple[Sequence[str], datetime | None]],
    waiting: int,
    forecast: Forecast,
    facts: DayFacts,
    resumes: dict[int, datetime],
    now: datetime,
    language: str = "de",
    reasons: Mapping[int, str | None] | None = None,
) -> QueueState:
    """The queue payload from lines already read (numbers in order, oldest joining time per service pk); no queries.

    Every path builds it here: `queue_state` from the database, the group commit from its lines in memory.
    Each service's closed reason comes from `facts`, or from `reasons` where the caller has its own.
    """
    # A full waiting room: new arrivals are invited to wait outside and follow their ticket by phone.
    room_full = site.waiting_room_capacity is not None and waiting >= site.waiting_room_capacity
    outs: list[ServiceOut] = []
    numbers: dict[str, list[str]] = {}
    for service in services:
        assert service.pk is not None
        line, oldest = lines.get(service.pk, ((), None))
        # A copy: a caller's line may grow after the payload is built and before it is serialised.
        numbers[service.key] = list(line)
        reason = reasons[service.pk] if reasons is not None and service.pk in reasons else facts.reason(service)
        outs.append(
            service_out(
                service=service, waiting=len(line), oldest=oldest, now=now, forecast=forecast,
                reason=reason, room_full=room_full, language=language,
                available=availability(site=site, service_pk=service.pk, served=forecast.served, resumes=resumes),
                message=facts.message(service) if reason else None,
            )
        )
    return QueueState(services=outs, lines=numbers)


def service_out(
    *,
    service: Service,
    waiting: int,
    oldest: datetime | None,
    now: datetime,
    forecast: Forecast,
    reason: str | None,
    room_full: bool,
    language: str = "de",
    available: Availability | None = None,
    message: dict[str, str] | None = None,
) -> ServiceOut:
    """One service's public figures from its line's size and oldest ticket."""
    assert service.pk is not None
    longest = (now - oldest).total_seconds() / 60 if oldest is not None else 0.0
    return ServiceOut(
        id=service.key,
        prefix=service.prefix,
        name=service.name_in(language),
        names=service.names,
        waiting=waiting,
        eta_minutes=forecast.for_new(service.pk),
        open=reason is None,
        closed_reason=reason,
        closed_message=message,
        target_wait_minutes=service.target_wait_minutes,
        express=service.express,
        longest_wait_minutes=int(longest),
        wait_outside=room_full,
        served_now=available.served_now if available else True,
        served_from=available.served_from if available else None,
        served_from_time=available.served_from_time if available else None,
    )
