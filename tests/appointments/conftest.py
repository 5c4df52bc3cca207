"""Helpers to book and check in, on top of the shared database, clock and clerk fixtures."""

from __future__ import annotations

from datetime import datetime

from server.appointments.checkin import check_in
from server.appointments.models import Appointment
from server.appointments.service import create_appointment
from server.db import Database
from server.tickets.models import Ticket
from tests.support.service_calls import PUBLIC_URL


def book(
    database: Database, *, service: str, at: datetime, now: datetime, name: str | None = None,
    email: str | None = None, phone: str | None = None, note: str | None = None,
) -> Appointment:
    """Book an appointment at the demo site."""
    with database.transaction() as session:
        return create_appointment(
            session=session, site_id="demo", service_key=service, starts_at=at, now=now, actor="test", name=name,
            email=email, phone=phone, note=note,
        )


def show_up(database: Database, code: str, now: datetime) -> Ticket:
    """Check in at the demo site's kiosk."""
    with database.transaction() as session:
        return check_in(session=session, site_id="demo", code=code, now=now, actor="test", public_url=PUBLIC_URL)
