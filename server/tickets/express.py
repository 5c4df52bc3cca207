"""An express counter keeps to quick matters: others only when they grow urgent or nothing quick is due."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, func, select

from server.appointments.models import Appointment, AppointmentStatus
from server.estimates import recent_durations
from server.sites.models import Service, Site
from server.tickets.models import Ticket

if TYPE_CHECKING:
    from server.tickets.routing import Candidate

ARRIVAL_WINDOW = timedelta(hours=1)
# "Expected" means at least an even chance that an express citizen turns up meanwhile.
EXPECTED_CHANCE = 0.5


def waited_share(candidate: Candidate, now: datetime) -> float:
    """How much of its service's target wait the ticket has waited."""
    waited = (now - candidate.ticket.queued_at).total_seconds() / 60
    return waited / max(candidate.service.target_wait_minutes, 1)


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
    recent = session.exec(
        select(func.count()).select_from(Ticket).where(
            Ticket.site_id == site.id,
            col(Ticket.issued_service_pk).in_(pks),
            col(Ticket.issued_at) >= now - ARRIVAL_WINDOW,
            col(Ticket.appointment_id).is_(None),
        )
    ).one()
    per_minute = recent / (ARRIVAL_WINDOW.total_seconds() / 60)
    return 1 - math.exp(-per_minute * minutes) >= EXPECTED_CHANCE


def express_choice(
    *, session: Session, site: Site, ranked: list[Candidate], express: Sequence[Service], now: datetime
) -> list[Candidate]:
    """The candidates an express counter may call, most urgent first."""
    share = site.express_takes_others_at
    # Quick matters, and other lines whose head has waited its share of the target, in the usual order.
    eligible = [c for c in ranked if c.service.express or waited_share(c, now) >= share]
    if eligible or not ranked:
        return eligible
    # No quick citizen waits: take the most urgent other one unless a quick one is due while serving it.
    first = ranked[0]
    assert first.service.pk is not None
    median = recent_durations(session=session, site=site, services=[first.service], now=now)[first.service.pk]
    if express_expected(session=session, site=site, express=express, now=now, minutes=median.median):
        return []
    return [first]
