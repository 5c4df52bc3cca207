"""Offline kiosks: leased number blocks, and reconciling tickets a kiosk issued while the server was away."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Column, Date, UniqueConstraint, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field as SQLField
from sqlmodel import Session, SQLModel, select

from server.day_controls.state import quota_on
from server.db_types import UTCDateTime
from server.errors import Conflict, DomainError, NotFound
from server.events.envelope import EventType
from server.sites.hours import business_day
from server.sites.lookup import get_service, get_site
from server.sites.models import Service
from server.sites.queue import CLOSED_MESSAGES
from server.tickets.lifecycle import TicketStatus
from server.tickets.models import NumberSequence, Ticket
from server.tickets.number_rules import format_number, lease_top
from server.tickets.schemas import TicketOut
from server.tickets.service import TOKEN_BYTES, announce_queue, announce_ticket
from server.tickets.views import ticket_out
from server.upsert import increment

MAX_LEASE = 100
# Numbers one kiosk may lease per service and day unless the settings say otherwise.
DEFAULT_LEASE_CAP = 40
# The length of the ticket's idempotency-key column.
KEY_LENGTH = 80
# A kiosk clock may run a little ahead; more than this is refused as a wrong issue time.
CLOCK_SKEW = timedelta(minutes=5)


class NumberLease(SQLModel, table=True):
    """A block of serials reserved for one kiosk and day; tickets it issues offline use them."""

    __table_args__ = (UniqueConstraint("site_id", "service_pk", "business_day", "first_serial", name="uq_lease"),)

    id: int | None = SQLField(default=None, primary_key=True)
    site_id: str = SQLField(foreign_key="site.id", max_length=40, index=True)
    service_pk: int = SQLField(foreign_key="service.pk")
    business_day: date = SQLField(sa_column=Column(Date(), nullable=False))
    device_id: str = SQLField(max_length=64, index=True)
    first_serial: int
    last_serial: int
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class LeaseIn(BaseModel):
    """A kiosk asking for numbers to hand out while the server cannot be reached."""

    service: str = Field(min_length=1, max_length=40)
    size: int = Field(default=20, ge=1, le=MAX_LEASE)


class LeaseOut(BaseModel):
    """Reserved numbers, in order, and what the kiosk needs to print them."""

    lease: int
    service: str
    business_day: date
    first_serial: int
    last_serial: int
    numbers: list[str]
    public_url: str


class OfflineTicketIn(BaseModel):
    """One journal entry: a ticket the kiosk issued from a lease while offline."""

    key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    lease: int = Field(ge=1)
    serial: int = Field(ge=1)
    language: str = Field(default="de", min_length=2, max_length=12, pattern=r"^[A-Za-z-]+$")
    issued_at: datetime
    token: str = Field(min_length=32, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class ReconcileIn(BaseModel):
    """Every journal entry not yet confirmed; sending one twice is harmless."""

    tickets: list[OfflineTicketIn] = Field(min_length=1, max_length=500)


class ReconcileResult(BaseModel):
    """What became of one entry."""

    key: str
    outcome: Literal["created", "existing", "rejected"]
    ticket: TicketOut | None = None
    code: str | None = None
    detail: str | None = None


def _lease_size(*, session: Session, sequence: NumberSequence, service: Service, device_id: str, wanted: int,
                cap: int) -> int:
    """How many numbers this lease may have: within the kiosk's daily cap, the quota left and the free range."""
    held = session.exec(
        select(func.coalesce(func.sum(NumberLease.last_serial - NumberLease.first_serial + 1), 0)).where(
            NumberLease.site_id == sequence.site_id, NumberLease.service_pk == service.pk,
            NumberLease.business_day == sequence.business_day, NumberLease.device_id == device_id,
        )
    ).one()
    allowance = cap - int(held)
    if allowance <= 0:
        raise Conflict(
            f"This kiosk already holds its {cap} leased numbers of today for this service.", code="lease_limit_reached"
        )
    size = min(wanted, allowance)
    quota = quota_on(session=session, site_id=sequence.site_id, service=service, day=sequence.business_day)
    if quota is not None:
        # Online tickets, reconciled offline ones and numbers other leases still hold all leave less of the quota.
        left = quota - sequence.last_serial - sequence.leased
        if left <= 0:
            raise Conflict(CLOSED_MESSAGES["quota_reached"], code="service_quota_reached")
        size = min(size, left)
    # Leased numbers must stay above every online number handed out so far.
    room = lease_top(service) - sequence.leased - sequence.last_serial
    if room <= 0:
        raise Conflict("No numbers are left to lease today for this service.", code="no_numbers_left")
    return min(size, room)


def lease_numbers(
    *, session: Session, site_id: str, device_id: str, service_key: str, size: int, now: datetime, public_url: str,
    cap: int = DEFAULT_LEASE_CAP,
) -> LeaseOut:
    """Reserve up to `size` numbers for one kiosk, from the top of the day's number range downwards.

    The day's online numbers are not moved on by it, and the quota is only taken once a leased number
    is used (reconciled); the lease is cut to the kiosk's daily cap and to the quota still free.
    """
    site = get_site(session=session, site_id=site_id)
    service = get_service(session=session, site_id=site_id, key=service_key)
    assert service.pk is not None
    day = business_day(site, now)
    keys = {"site_id": site_id, "service_pk": service.pk, "business_day": day}
    # Lock (or create) the day's sequence row: online draws and other leases of this service wait for us.
    increment(session, NumberSequence, keys, "leased", by=0)
    sequence = session.exec(
        select(NumberSequence).where(*(getattr(NumberSequence, name) == value for name, value in keys.items()))
        .execution_options(populate_existing=True)
    ).one()
    granted = _lease_size(session=session, sequence=sequence, service=service, device_id=device_id, wanted=size,
                          cap=cap)
    leased = increment(session, NumberSequence, keys, "leased", by=granted)
    last = lease_top(service) - leased + granted
    lease = NumberLease(
        site_id=site_id, service_pk=service.pk, business_day=day, device_id=device_id,
        first_serial=last - granted + 1, last_serial=last, created_at=now,
    )
    session.add(lease)
    session.flush()
    assert lease.id is not None
    return LeaseOut(
        lease=lease.id, service=service.key, business_day=day, first_serial=lease.first_serial,
        last_serial=last, numbers=[format_number(service, s) for s in range(lease.first_serial, last + 1)],
        public_url=public_url,
    )


def offline_key(device_id: str, key: str) -> str:
    """The ticket's idempotency key for a journal entry; too long for the column, it is hashed, never cut."""
    key = f"offline:{device_id}:{key}"
    if len(key) <= KEY_LENGTH:
        return key
    return "offline#" + hashlib.sha256(key.encode()).hexdigest()


def _reconcile_one(
    *, session: Session, site_id: str, device_id: str, entry: OfflineTicketIn, now: datetime, public_url: str
) -> tuple[ReconcileResult, bool]:
    """Create the ticket of one journal entry, or find it if it came before."""
    key = offline_key(device_id, entry.key)
    existing = session.exec(select(Ticket).where(Ticket.site_id == site_id, Ticket.idempotency_key == key)).first()
    if existing is not None:
        view = ticket_out(session=session, ticket=existing, public_url=public_url, holder=True)
        return ReconcileResult(key=entry.key, outcome="existing", ticket=view), False
    lease = session.get(NumberLease, entry.lease)
    if lease is None or lease.site_id != site_id or lease.device_id != device_id:
        raise NotFound("This kiosk holds no such number lease.", code="unknown_lease")
    if not lease.first_serial <= entry.serial <= lease.last_serial:
        raise DomainError("The serial lies outside the lease.", code="serial_outside_lease")
    issued_at = entry.issued_at if entry.issued_at.tzinfo else entry.issued_at.replace(tzinfo=UTC)
    if issued_at > now + CLOCK_SKEW or issued_at < lease.created_at - CLOCK_SKEW:
        raise DomainError("The issue time lies outside the lease's life.", code="bad_issue_time")
    site = get_site(session=session, site_id=site_id)
    service = session.get(Service, lease.service_pk)
    assert service is not None and service.pk is not None
    taken = session.exec(
        select(Ticket.id).where(
            Ticket.site_id == site_id, Ticket.issued_service_pk == service.pk,
            Ticket.business_day == lease.business_day, Ticket.serial == entry.serial,
        )
    ).first()
    if taken is not None:
        raise Conflict("Another ticket already carries this number.", code="number_taken")
    token = entry.token
    if session.exec(select(Ticket.id).where(Ticket.token == token)).first() is not None:
        # The printed QR code cannot work, but the citizen's number must still be called.
        token = secrets.token_urlsafe(TOKEN_BYTES)
    # Issued on an earlier day: the number is accounted for, but nobody waits for it any more.
    stale = lease.business_day < business_day(site, now)
    ticket = Ticket(
        site_id=site_id, service_pk=service.pk, issued_service_pk=service.pk, business_day=lease.business_day,
        serial=entry.serial, number=format_number(service, entry.serial), token=token,
        status=TicketStatus.cancelled if stale else TicketStatus.waiting, language=entry.language.lower(),
        issued_at=issued_at, queued_at=issued_at, finished_at=now if stale else None, idempotency_key=key,
        note="issued offline",
    )
    session.add(ticket)
    session.flush()
    increment(
        session, NumberSequence,
        {"site_id": site_id, "service_pk": service.pk, "business_day": lease.business_day}, "offline_issued",
    )
    actor = f"device:{device_id}"
    announce_ticket(
        session=session, ticket=ticket, type=EventType.ticket_created, now=now, actor=actor, public_url=public_url,
        extra={"offline": True},
    )
    view = ticket_out(session=session, ticket=ticket, public_url=public_url, holder=True)
    return ReconcileResult(key=entry.key, outcome="created", ticket=view), True


def reconcile(
    *, session: Session, site_id: str, device_id: str, entries: list[OfflineTicketIn], now: datetime, public_url: str
) -> list[ReconcileResult]:
    """Record offline tickets at their original issue time; repeated entries return what exists."""
    results: list[ReconcileResult] = []
    created = False
    for entry in entries:
        try:
            with session.begin_nested():
                result, new = _reconcile_one(
                    session=session, site_id=site_id, device_id=device_id, entry=entry, now=now, public_url=public_url
                )
        except DomainError as error:
            results.append(ReconcileResult(key=entry.key, outcome="rejected", code=error.code, detail=error.message))
            continue
        except IntegrityError:
            # E.g. the same entry committed meanwhile by a second request: only this entry is turned away,
            # and its retry finds the ticket.
            results.append(ReconcileResult(
                key=entry.key, outcome="rejected", code="conflict", detail="Recorded meanwhile; send it again.",
            ))
            continue
        created = created or new
        results.append(result)
    if created:
        announce_queue(session=session, site_id=site_id, now=now, actor=f"device:{device_id}")
    return results
