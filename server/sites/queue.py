"""The live state of a site's lines: who waits where, and how long it will take."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from server.closing.days import is_day_closed
from server.day_controls.state import controls_today
from server.errors import Conflict
from server.estimates import Forecast
from server.forecasting.latest import current_forecast
from server.sites.availability import Availability, availability, resume_times
from server.sites.hours import closing_time
from server.sites.lookup import get_site, issued_today, site_services, waiting_numbers
from server.sites.models import Service, Site
from server.sites.schemas import ServiceOut


def today_quota(*, session: Session, site: Site, service: Service, now: datetime) -> int | None:
    """Today's ticket quota of a service: a supervisor's figure for today, else the configured one."""
    assert service.pk is not None
    control = controls_today(session=session, site=site, now=now).get(service.pk)
    return control.quota if control is not None and control.quota is not None else service.daily_quota


def closed_message(*, session: Session, site: Site, service: Service, now: datetime) -> dict[str, str] | None:
    """The supervisor's message per language while the service is closed for the rest of the day."""
    assert service.pk is not None
    control = controls_today(session=session, site=site, now=now).get(service.pk)
    return dict(control.message) if control is not None and control.closed else None


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
    if not service.active:
        return "inactive"
    if is_day_closed(session=session, site=site, now=now):
        return "day_closed"
    assert service.pk is not None
    control = controls_today(session=session, site=site, now=now).get(service.pk)
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
        forecast = forecast or current_forecast(
            session=session, site=site, services=site_services(session=session, site_id=site.id), now=now
        )
        done = forecast.done_new(service.pk)
        if done is not None and done > minutes_left:
            return "cannot_be_served_today"
    if not site.issue_when_unserved:
        forecast = forecast or current_forecast(
            session=session, site=site, services=site_services(session=session, site_id=site.id), now=now
        )
        if service.pk not in forecast.served:
            return "not_served"
    quota = today_quota(session=session, site=site, service=service, now=now)
    if issued is None and quota is not None:
        issued = issued_today(session=session, site=site, service=service, now=now)
    if quota is not None and issued is not None and issued >= quota:
        return "quota_reached"
    return None


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
        return {
            "services": [service.model_dump(mode="json") for service in self.services],
            "lines": self.lines,
        }


def servers_for(service: Service, *, open_now: dict[int, int], capable: dict[int, int]) -> int:
    """Counters to divide a line by: those open now, else all that could serve it."""
    assert service.pk is not None
    return open_now.get(service.pk) or capable.get(service.pk) or 1


def queue_state(*, session: Session, site_id: str, now: datetime, language: str = "de") -> QueueState:
    """Compute the whole site's queue figures in a handful of queries."""
    site = get_site(session=session, site_id=site_id)
    services = site_services(session=session, site_id=site_id)
    # Numbers and joining times only: a busy day has hundreds waiting, and this runs on every change.
    waiting = waiting_numbers(session=session, site_id=site_id)
    forecast = current_forecast(session=session, site=site, services=services, now=now)
    numbers: dict[int, list[str]] = defaultdict(list)
    oldest: dict[int, datetime] = {}
    for service_pk, number, queued_at in waiting:
        numbers[service_pk].append(number)
        if service_pk not in oldest or queued_at < oldest[service_pk]:
            oldest[service_pk] = queued_at
    lines = {pk: (line, oldest[pk]) for pk, line in numbers.items()}
    unserved = any(service.pk not in forecast.served for service in services)
    reasons = {
        service.pk: closed_reason(session=session, site=site, service=service, now=now, forecast=forecast)
        for service in services
    }
    messages = {
        service.pk: closed_message(session=session, site=site, service=service, now=now)
        for service in services
        if reasons[service.pk]
    }
    return build_queue_state(
        site=site, services=services, lines=lines, waiting=len(waiting), forecast=forecast, reasons=reasons,
        resumes=resume_times(session=session, site=site, now=now) if unserved else {}, now=now, language=language,
        messages=messages,
    )


def build_queue_state(
    *,
    site: Site,
    services: Sequence[Service],
    lines: Mapping[int, tuple[Sequence[str], datetime | None]],
    waiting: int,
    forecast: Forecast,
    reasons: Mapping[int | None, str | None],
    resumes: dict[int, datetime],
    now: datetime,
    language: str = "de",
    messages: Mapping[int | None, dict[str, str] | None] | None = None,
) -> QueueState:
    """The queue payload from lines already read (numbers in order, oldest joining time per service pk); no queries.

    Every path builds it here: `queue_state` from the database, the group commit from its lines in memory.
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
        outs.append(
            service_out(
                service=service, waiting=len(line), oldest=oldest, now=now, forecast=forecast,
                reason=reasons[service.pk], room_full=room_full, language=language,
                available=availability(site=site, service_pk=service.pk, served=forecast.served, resumes=resumes),
                message=(messages or {}).get(service.pk),
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
