"""HTTP routes for staff: book, list, look up, cancel and import appointments."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from server.api.bounds import YEARS_PATTERN, CalendarDay
from server.api.deps import ContextDep, ReadSession, SiteClerk, SiteSupervisor, WriteSession
from server.appointments.bulk import import_bookings
from server.appointments.importing import ImportRefused, parse_file
from server.appointments.schemas import AppointmentIn, AppointmentOut, ImportResult
from server.appointments.service import (
    appointment_out,
    appointments_on,
    cancel_appointment,
    create_appointment,
    get_by_code,
)
from server.context import AppContext
from server.sites.hours import business_day
from server.sites.lookup import get_site

router = APIRouter(tags=["appointments"])
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@router.post("/sites/{site}/appointments", response_model=AppointmentOut, status_code=status.HTTP_201_CREATED)
def book(
    site: str, body: AppointmentIn, clerk: SiteClerk, context: ContextDep, session: WriteSession
) -> AppointmentOut:
    """Book an appointment; the answer carries the booking code for the citizen."""
    appointment = create_appointment(
        session=session, site_id=site, service_key=body.service, starts_at=body.starts_at,
        now=context.clock.now(), actor=f"clerk:{clerk.username}", duration_minutes=body.duration_minutes,
        code=body.code, name=body.name, email=body.email, phone=body.phone, note=body.note,
    )
    return appointment_out(session=session, appointment=appointment)


@router.get("/sites/{site}/appointments", response_model=list[AppointmentOut])
def list_day(
    site: str,
    clerk: SiteClerk,
    context: ContextDep,
    session: ReadSession,
    day: CalendarDay = Query(default=None, alias="date", json_schema_extra={"pattern": YEARS_PATTERN}),
) -> list[AppointmentOut]:
    """A day's appointments (today by default) in time order."""
    chosen = day or business_day(get_site(session=session, site_id=site), context.clock.now())
    return [
        appointment_out(session=session, appointment=a)
        for a in appointments_on(session=session, site_id=site, day=chosen)
    ]


@router.get("/sites/{site}/appointments/{code}", response_model=AppointmentOut)
def look_up(site: str, code: str, clerk: SiteClerk, session: ReadSession) -> AppointmentOut:
    """One appointment by its booking code."""
    return appointment_out(session=session, appointment=get_by_code(session=session, site_id=site, code=code))


@router.delete("/sites/{site}/appointments/{code}", response_model=AppointmentOut)
def cancel(site: str, code: str, clerk: SiteClerk, context: ContextDep, session: WriteSession) -> AppointmentOut:
    """Cancel a booking that has not been checked in."""
    appointment = cancel_appointment(
        session=session, site_id=site, code=code, now=context.clock.now(), actor=f"clerk:{clerk.username}"
    )
    return appointment_out(session=session, appointment=appointment)


def _import(
    context: AppContext, site: str, data: bytes, filename: str, service: str | None, actor: str, overwrite: bool
) -> ImportResult:
    rows = parse_file(data, filename=filename, default_service=service)
    source = "ics" if rows and rows[0].place.startswith("event") else "csv"
    with context.database.transaction() as session:
        return import_bookings(
            session=session, site_id=site, rows=rows, source=source, filename=filename, now=context.clock.now(),
            actor=actor, overwrite=overwrite,
        )


@router.post("/sites/{site}/appointments/import", response_model=ImportResult)
async def import_file(
    site: str,
    request: Request,
    supervisor: SiteSupervisor,
    context: ContextDep,
    service: str | None = Query(default=None, max_length=40, description="Service for bookings that name none"),
    filename: str = Query(default="upload", max_length=200),
    overwrite: bool = Query(default=False, description="Replace existing bookings that share a booking code"),
) -> ImportResult:
    """Import an ICS calendar or a CSV export sent as the request body; all bookings or none."""
    data = await request.body()
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(filename, [f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"])
    actor = f"clerk:{supervisor.username}"
    return await run_in_threadpool(_import, context, site, data, filename, service, actor, overwrite)
