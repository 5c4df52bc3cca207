"""Storing imported bookings: all or nothing, and a repeated import updates instead of duplicating."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from server.appointments.codes import display, normalize
from server.appointments.importing import BookingRow, ImportRefused
from server.appointments.models import Appointment, AppointmentStatus
from server.appointments.schemas import ImportResult
from server.appointments.service import as_utc, cancel_appointment, create_appointment, find_by_code
from server.sites.lookup import get_site, site_services
from server.sites.models import Service, Site


def _check(*, session: Session, site_id: str, rows: list[BookingRow], filename: str) -> None:
    known = {service.key for service in site_services(session=session, site_id=site_id)}
    problems: list[str] = []
    seen: dict[str, str] = {}
    for row in rows:
        if row.service not in known:
            problems.append(f"{row.place}: unknown service '{row.service}' (known: {', '.join(sorted(known))})")
        if row.uid in seen:
            problems.append(f"{row.place}: the same booking as {seen[row.uid]}")
        seen[row.uid] = row.place
        if row.code is not None and len(normalize(row.code)) < 4:
            problems.append(f"{row.place}: booking code '{row.code}' is shorter than 4 letters or digits")
    if problems:
        raise ImportRefused(filename, problems)


def import_bookings(
    *, session: Session, site_id: str, rows: list[BookingRow], source: str, filename: str, now: datetime, actor: str,
    overwrite: bool = False,
) -> ImportResult:
    """Create or update appointments from parsed rows inside the caller's transaction.

    A row that only its booking code ties to an existing, different booking is refused unless `overwrite`:
    the same code in another export is more often a clash than the same booking moved.
    """
    site = get_site(session=session, site_id=site_id)
    _check(session=session, site_id=site_id, rows=rows, filename=filename)
    services = {service.key: service for service in site_services(session=session, site_id=site_id)}
    created = updated = unchanged = 0
    codes: dict[str, str] = {}
    overwritten: list[str] = []
    problems: list[str] = []
    for row in rows:
        existing = session.exec(
            select(Appointment).where(Appointment.site_id == site_id, Appointment.external_uid == row.uid)
        ).first()
        if existing is None:
            if row.cancelled:
                unchanged += 1
                continue
            if row.code is not None and find_by_code(session=session, site_id=site_id, code=row.code) is not None:
                problems.append(f"{row.place}: booking code '{row.code}' belongs to another appointment")
                continue
            appointment = create_appointment(
                session=session, site_id=site_id, service_key=row.service, starts_at=row.starts_at, now=now,
                actor=actor, duration_minutes=row.duration_minutes, code=row.code, name=row.name, email=row.email,
                phone=row.phone, note=row.note, source=source, external_uid=row.uid,
            )
            created += 1
        else:
            appointment = existing
            if row.cancelled and existing.status == AppointmentStatus.booked:
                cancel_appointment(session=session, site_id=site_id, code=existing.code, now=now, actor=actor)
                updated += 1
            elif existing.status == AppointmentStatus.booked and _differs(existing, row, services, site):
                if row.uid.startswith("code:") and not overwrite:
                    problems.append(
                        f"{row.place}: booking code '{row.code}' exists already with another time, "
                        "service or person; import with overwrite to replace it"
                    )
                    continue
                overwritten.append(row.code or display(existing.code))
                existing.starts_at = as_utc(site, row.starts_at)
                existing.service_pk = services[row.service].pk or existing.service_pk
                existing.duration_minutes = row.duration_minutes
                if existing.purged_at is None:
                    existing.name, existing.email, existing.phone, existing.note = (
                        row.name, row.email, row.phone, row.note,
                    )
                session.add(existing)
                updated += 1
            else:
                unchanged += 1
        codes[row.uid] = display(appointment.code)
    if problems:
        raise ImportRefused(filename, problems)
    return ImportResult(created=created, updated=updated, unchanged=unchanged, codes=codes, overwritten=overwritten)


def _differs(existing: Appointment, row: BookingRow, services: dict[str, Service], site: Site) -> bool:
    """Whether a re-imported booking moved in time, service or length, or names another person."""
    return (
        existing.starts_at != as_utc(site, row.starts_at)
        or existing.service_pk != services[row.service].pk
        or existing.duration_minutes != row.duration_minutes
        # Someone else under the same code is a different booking (before the names are deleted).
        or (existing.purged_at is None and (existing.name or "") != (row.name or ""))
    )
