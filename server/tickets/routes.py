"""HTTP routes for drawing, following and giving up tickets."""

from __future__ import annotations

from fastapi import APIRouter, Header, Response, status

from server.api.deps import ContextDep, SiteKiosk, WriteSession
from server.api.reads import run_read
from server.appointments.checkin import check_in as check_in_booking
from server.tickets.issuance import IssueRequest, issue
from server.tickets.offline import LeaseIn, LeaseOut, ReconcileIn, ReconcileResult, lease_numbers, reconcile
from server.tickets.schemas import CheckInIn, IssueTicketIn, TicketOut
from server.tickets.service import cancel_by_holder, ticket_by_token
from server.tickets.views import ticket_out

router = APIRouter(tags=["tickets"])


@router.post("/sites/{site}/tickets", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
def draw_ticket(
    site: str,
    body: IssueTicketIn,
    kiosk: SiteKiosk,
    context: ContextDep,
    response: Response,
    idempotency_key: str | None = Header(default=None, max_length=80),
) -> TicketOut:
    """Issue the next number for a service. Repeating an Idempotency-Key returns the same ticket."""
    # Concurrent draws share one commit (one fsync); the answer comes once the ticket is durable.
    issued = issue(
        context.database,
        IssueRequest(
            site_id=site,
            service_key=body.service,
            language=body.language,
            clock=context.clock.now,
            actor=f"device:{kiosk.id}",
            public_url=context.settings.public_url,
            idempotency_key=idempotency_key,
            visual_call=body.visual_call,
        ),
    )
    if not issued.created:
        response.status_code = status.HTTP_200_OK
    return issued.view


@router.post("/sites/{site}/check-in", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
def check_in(site: str, body: CheckInIn, kiosk: SiteKiosk, context: ContextDep, session: WriteSession) -> TicketOut:
    """Turn a booked appointment into a ticket, by the site's rules for early and late arrival."""
    ticket = check_in_booking(
        session=session, site_id=site, code=body.code, now=context.clock.now(), actor=f"device:{kiosk.id}",
        public_url=context.settings.public_url, visual_call=body.visual_call,
    )
    return ticket_out(
        session=session, ticket=ticket, public_url=context.settings.public_url, holder=True, now=context.clock.now()
    )


@router.get("/tickets/{token}", response_model=TicketOut)
async def follow_ticket(token: str, context: ContextDep) -> TicketOut:
    """A ticket's status for whoever holds its token."""

    # A read on the read threads: it neither waits for nor holds up the kiosks' writes.
    def read() -> TicketOut:
        with context.database.read() as session:
            ticket = ticket_by_token(session=session, token=token)
            return ticket_out(
                session=session, ticket=ticket, public_url=context.settings.public_url, holder=True,
                now=context.clock.now(),
            )

    return await run_read(read)


@router.delete("/tickets/{token}", response_model=TicketOut)
def give_up_ticket(token: str, context: ContextDep, session: WriteSession) -> TicketOut:
    """The citizen no longer needs the ticket; the place goes to the next in line."""
    ticket = cancel_by_holder(
        session=session, token=token, now=context.clock.now(), public_url=context.settings.public_url
    )
    return ticket_out(
        session=session, ticket=ticket, public_url=context.settings.public_url, holder=True, now=context.clock.now()
    )


@router.post("/sites/{site}/tickets/leases", response_model=LeaseOut, status_code=status.HTTP_201_CREATED)
def lease(site: str, body: LeaseIn, kiosk: SiteKiosk, context: ContextDep, session: WriteSession) -> LeaseOut:
    """Reserve a block of today's numbers that this kiosk may hand out while the server is unreachable."""
    return lease_numbers(
        session=session, site_id=site, device_id=kiosk.id, service_key=body.service, size=body.size,
        now=context.clock.now(), public_url=context.settings.public_url, cap=context.settings.offline_lease_cap,
    )


@router.post("/sites/{site}/tickets/reconcile", response_model=list[ReconcileResult])
def reconcile_offline(
    site: str, body: ReconcileIn, kiosk: SiteKiosk, context: ContextDep, session: WriteSession
) -> list[ReconcileResult]:
    """Record tickets the kiosk issued offline, at their original time; repeating an entry creates nothing."""
    return reconcile(
        session=session, site_id=site, device_id=kiosk.id, entries=body.tickets, now=context.clock.now(),
        public_url=context.settings.public_url,
    )
