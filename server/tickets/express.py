"""Whether a quick citizen is due soon: what an express counter asks before it takes a longer matter."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from server.appointments.models import Appointment, AppointmentStatus
from server.counters.models import Counter
from server.counters.serving import serving_clause
from server.estimates import recent_durations
from server.forecasting.latest import current_forecast
from server.sites.hours import business_day, local_time
from server.sites.lookup import site_services
from server.sites.models import Service, Site
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import Ticket

ARRIVAL_WINDOW = timedelta(hours=1)
# Recent days whose pace at this time of day says what to expect now.
PACE_HISTORY = timedelta(days=7)
# "Expected" means at least an even chance that an express citizen turns up meanwhile.
EXPECTED_CHANCE = 0.5


def express_expected(
    *, session: Session, site: Site, express: Sequence[Service], now: datetime, minutes: float
) -> bool:
    """Whether an express citizen is likely to arrive (walk-in pace of the last hour) or is booked within `minutes`."""
    pks = [s.pk for s in express if s.pk is not None]
    if not pks or minutes <= 0:
        return False
    booked = session.exec(
        select(func.count()).select_from(Appointment).where(
            Appointment.site_id == site.id,
            col(Appointment.service_pk).in_(pks),
            Appointment.status == AppointmentStatus.booked,
            col(Appointment.starts_at) >= now,
            col(Appointment.starts_at) < now + timedelta(minutes=minutes),
        )
    ).one()
    if booked:
        return True
    per_minute = express_pace(session=session, site=site, pks=pks, now=now)
    return 1 - math.exp(-per_minute * minutes) >= EXPECTED_CHANCE


def express_pace(*, session: Session, site: Site, pks: Sequence[int], now: datetime) -> float:
    """Express walk-ins expected per minute: today's last hour, or the coming hour on recent days if busier.

    The last hour alone misses every morning crowd: at opening it is empty although the quick matters
    of the day are at the door, and an express counter that takes a ten-minute matter then keeps the
    whole crowd waiting.
    """
    today = business_day(site, now)
    rows = session.exec(
        select(col(Ticket.issued_at), col(Ticket.business_day)).where(
            Ticket.site_id == site.id,
            col(Ticket.issued_service_pk).in_(pks),
            col(Ticket.issued_at) >= now - PACE_HISTORY,
            col(Ticket.issued_at) <= now,
            col(Ticket.appointment_id).is_(None),
        )
    ).all()
    recent = sum(1 for issued_at, _ in rows if issued_at >= now - ARRIVAL_WINDOW)
    # Days the office was open (any ticket drawn), so a day without quick matters counts as zero.
    days = session.exec(
        select(col(Ticket.business_day)).distinct().where(
            Ticket.site_id == site.id,
            col(Ticket.issued_at) >= now - PACE_HISTORY,
            Ticket.business_day != today,
        )
    ).all()
    here = _minute_of_day(local_time(site, now))
    window = ARRIVAL_WINDOW.total_seconds() / 60
    coming = sum(
        1 for issued_at, day in rows
        if day != today and 0 <= _minute_of_day(local_time(site, issued_at)) - here < window
    )
    usual = coming / len(days) / window if days else 0.0
    return max(recent / window, usual)


def _minute_of_day(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def quick_due_check(
    *, session: Session, site: Site, express: Sequence[Service], now: datetime
) -> Callable[[Service], bool]:
    """A question for the call rule: is a quick citizen due while this counter serves one of that service?

    How long serving one takes is the latest forecast's median of the service's recent occupations: the
    figure every wait range uses, kept current after each change, instead of reading the history again.
    """

    def due(service: Service) -> bool:
        assert service.pk is not None
        services = site_services(session=session, site_id=site.id)
        forecast = current_forecast(session=session, site=site, services=services, now=now)
        minutes = forecast.service_minutes.get(service.pk)
        if minutes is None:  # a forecast made before the service was offered
            minutes = recent_durations(session=session, site=site, services=[service], now=now)[service.pk].median
        return express_expected(session=session, site=site, express=express, now=now, minutes=minutes)

    return due


def quick_work_ahead(*, session: Session, site_id: str) -> Callable[[datetime], float]:
    """Minutes of quick work waiting from before a moment, per serving express counter (none serving: 0)."""
    counters = session.exec(
        select(func.count()).select_from(Counter).where(
            Counter.site_id == site_id, col(Counter.express).is_(True), serving_clause()
        )
    ).one()
    if not counters:
        return lambda _: 0.0
    rows = session.exec(
        select(Ticket.queued_at, Service.typical_service_minutes)
        .join(Service, col(Service.pk) == Ticket.service_pk)
        .where(Ticket.site_id == site_id, Ticket.status == TicketStatus.waiting, col(Service.express).is_(True))
    ).all()

    def ahead(moment: datetime) -> float:
        return sum(minutes for queued_at, minutes in rows if queued_at < moment) / counters

    return ahead
