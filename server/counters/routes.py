"""HTTP routes for the clerks' actions at a counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response, status
from sqlmodel import col, select

from server.api.deps import ContextDep, CurrentClerk
from server.auth.models import Clerk
from server.context import AppContext
from server.counters import service as counters
from server.counters.models import Counter
from server.counters.schemas import CounterOut, CounterServicesIn
from server.tickets.models import Ticket
from server.tickets.schemas import CallNumberIn, TicketOut, TransferIn
from server.tickets.views import ticket_out

router = APIRouter(tags=["counters"])

TicketAction = Callable[..., Ticket]


def _run(
    context: AppContext, clerk: Clerk, counter_id: str, action: TicketAction, **arguments: Any
) -> TicketOut:
    """Run one ticket action in one transaction and return the ticket's view."""
    public_url = context.settings.public_url
    with context.database.transaction() as session:
        ticket = action(
            session=session, counter_id=counter_id, clerk=clerk, now=context.clock.now(),
            public_url=public_url, **arguments,
        )
        return ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, staff=True)


@router.get("/sites/{site}/counters", response_model=list[CounterOut])
def list_counters(site: str, context: ContextDep, clerk: CurrentClerk) -> list[CounterOut]:
    """Every counter at a site with its state."""
    with context.database.transaction() as session:
        rows = session.exec(select(Counter).where(Counter.site_id == site).order_by(col(Counter.id))).all()
        return [counters.counter_out(session=session, counter=c, public_url=context.settings.public_url) for c in rows]


@router.get("/counters/{counter}", response_model=CounterOut)
def show_counter(counter: str, context: ContextDep, clerk: CurrentClerk) -> CounterOut:
    """One counter's state."""
    with context.database.transaction() as session:
        found = counters.get_counter(session=session, counter_id=counter)
        return counters.counter_out(session=session, counter=found, public_url=context.settings.public_url)


@router.post(
    "/counters/{counter}/call-next",
    response_model=TicketOut,
    responses={204: {"description": "Nobody is waiting for this counter's services"}},
)
def call_next(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut | Response:
    """Call the most urgent waiting citizen this counter serves."""
    public_url = context.settings.public_url
    with context.database.transaction() as session:
        ticket = counters.call_next(
            session=session, counter_id=counter, clerk=clerk, now=context.clock.now(), public_url=public_url
        )
        if ticket is None:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        return ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, staff=True)


@router.post("/counters/{counter}/call", response_model=TicketOut)
def call_number(counter: str, body: CallNumberIn, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """Call a given ticket, e.g. a parked citizen who came back."""
    return _run(context, clerk, counter, counters.call_number, number=body.number)


@router.post("/counters/{counter}/recall", response_model=TicketOut)
def recall(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """Call the current citizen again; past the recall limit this marks a no-show instead."""
    return _run(context, clerk, counter, counters.recall, max_recalls=context.settings.max_recalls)


@router.post("/counters/{counter}/undo-call", response_model=TicketOut)
def undo_call(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """Take back a call made by mistake; the citizen keeps their place in line."""
    return _run(context, clerk, counter, counters.undo_call, window_seconds=context.settings.undo_call_seconds)


@router.post("/counters/{counter}/start", response_model=TicketOut)
def start(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """The called citizen has arrived; service begins."""
    return _run(context, clerk, counter, counters.start)


@router.post("/counters/{counter}/finish", response_model=TicketOut)
def finish(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """The citizen has been served."""
    return _run(context, clerk, counter, counters.finish)


@router.post("/counters/{counter}/no-show", response_model=TicketOut)
def no_show(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """The called citizen did not come."""
    return _run(context, clerk, counter, counters.no_show)


@router.post("/counters/{counter}/park", response_model=TicketOut)
def park(counter: str, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """The citizen steps away and will be called back by number."""
    return _run(context, clerk, counter, counters.park)


@router.post("/counters/{counter}/transfer", response_model=TicketOut)
def transfer(counter: str, body: TransferIn, context: ContextDep, clerk: CurrentClerk) -> TicketOut:
    """Send the current citizen to another service's line, keeping their place in time."""
    return _run(context, clerk, counter, counters.transfer, service_key=body.service, note=body.note)


def _set_paused(counter: str, paused: bool, context: AppContext, clerk: Clerk) -> CounterOut:
    public_url = context.settings.public_url
    with context.database.transaction() as session:
        found = counters.set_paused(
            session=session, counter_id=counter, paused=paused, clerk=clerk, now=context.clock.now(),
            public_url=public_url,
        )
        return counters.counter_out(session=session, counter=found, public_url=public_url)


@router.post("/counters/{counter}/pause", response_model=CounterOut)
def pause(counter: str, context: ContextDep, clerk: CurrentClerk) -> CounterOut:
    """Stop calling at this counter for now."""
    return _set_paused(counter, True, context, clerk)


@router.post("/counters/{counter}/resume", response_model=CounterOut)
def resume(counter: str, context: ContextDep, clerk: CurrentClerk) -> CounterOut:
    """Take calls again."""
    return _set_paused(counter, False, context, clerk)


@router.put("/counters/{counter}/services", response_model=CounterOut)
def set_services(counter: str, body: CounterServicesIn, context: ContextDep, clerk: CurrentClerk) -> CounterOut:
    """Choose the services served at this counter today, within what it may serve."""
    public_url = context.settings.public_url
    with context.database.transaction() as session:
        found = counters.set_services(
            session=session, counter_id=counter, services=body.services, clerk=clerk, now=context.clock.now(),
            public_url=public_url,
        )
        return counters.counter_out(session=session, counter=found, public_url=public_url)
