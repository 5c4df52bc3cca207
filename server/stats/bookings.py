"""Appointment figures: booked, came, never came, cancelled, came too late and served as a walk-in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.appointments.models import Appointment, AppointmentStatus


class BookingFigures(BaseModel):
    """What became of a group of bookings, counted on the day of their booked time."""

    booked: int
    came: int
    no_show: int
    cancelled: int
    late_walk_in: int  # came after the late limit: served as a walk-in, not as an appointment
    pending: int  # still expected (later today, or not yet swept)
    no_show_share: float | None  # never came, of the bookings not cancelled and no longer expected


class BookingRow(BookingFigures):
    """Booking figures of a named group (a service or a day)."""

    key: str
    label: str


def booking_figures(statuses: Iterable[tuple[str, bool]]) -> BookingFigures:
    """Count (status, late) pairs of bookings."""
    items = list(statuses)
    came = sum(1 for status, _ in items if status == AppointmentStatus.checked_in)
    no_show = sum(1 for status, _ in items if status == AppointmentStatus.no_show)
    settled = came + no_show
    return BookingFigures(
        booked=len(items),
        came=came,
        no_show=no_show,
        cancelled=sum(1 for status, _ in items if status == AppointmentStatus.cancelled),
        late_walk_in=sum(1 for status, late in items if status == AppointmentStatus.checked_in and late),
        pending=sum(1 for status, _ in items if status == AppointmentStatus.booked),
        no_show_share=round(no_show / settled, 4) if settled else None,
    )


def bookings_between(
    *, session: Session, site_id: str, start: datetime, end: datetime, zone: str, service_keys: dict[int, str]
) -> list[tuple[str, date, str, bool]]:
    """(service key, local day, status, late) of every booking whose time falls in [start, end)."""
    rows = session.exec(
        select(Appointment.service_pk, Appointment.starts_at, Appointment.status, Appointment.late).where(
            Appointment.site_id == site_id, col(Appointment.starts_at) >= start, col(Appointment.starts_at) < end
        )
    ).all()
    tz = ZoneInfo(zone)
    return [
        (service_keys.get(pk, str(pk)), starts.astimezone(tz).date(), status, late)
        for pk, starts, status, late in rows
    ]


def booking_rows(
    bookings: list[tuple[str, date, str, bool]], *, by: str, order: list[str], names: dict[str, str]
) -> list[BookingRow]:
    """Booking figures per service (`by="service"`) or per day (`by="day"`), known keys first in order."""
    groups: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for service, day, status, late in bookings:
        groups[service if by == "service" else day.isoformat()].append((status, late))
    keys = [key for key in order if key in groups or by == "day"] + sorted(set(groups) - set(order))
    return [
        BookingRow(key=key, label=names.get(key, key), **booking_figures(groups.get(key, [])).model_dump())
        for key in keys
    ]
