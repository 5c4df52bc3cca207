"""HTTP routes for the clerks' actions at a counter.

Every action answers at `/counters/{counter}/...` (the counter's id, or its key where only one of
the clerk's sites has it) and at `/sites/{site}/counters/{counter}/...` (the key within a site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response, status
from sqlmodel import Session, col, select

from server.api.deps import AtCounter, ContextDep, CounterDep, ReadSession, SiteClerk, WriteSession
from server.context import AppContext
from server.counters import service as counters
from server.counters.lookup import get_counter
from server.counters.models import Counter
from server.counters.schemas import CounterOut, CounterServicesIn, PauseIn
from server.counters.session_routes import WorkstationDep
from server.counters.sessions import hold_counter
from server.counters.views import counter_out
from server.tickets.models import Ticket
from server.tickets.schemas import CallNumberIn, TicketOut, TransferIn
from server.tickets.views import ticket_out

router = APIRouter(tags=["counters"])

TicketAction = Callable[..., Ticket]
PREFIXES = ("", "/sites/{site}")


def both(method: str, suffix: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a route under the installation-wide and the per-site counter path."""

    def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        for prefix in PREFIXES:
            router.add_api_route(f"{prefix}/counters/{{counter}}{suffix}", endpoint, methods=[method], **options)
        return endpoint

    return register


def _hold(context: AppContext, session: Session, at: AtCounter, workstation: str) -> None:
    """Refuse (409) unless the caller holds the counter's session; a free counter opens for them."""
    counter = get_counter(session=session, counter_id=at.counter_id)
    hold_counter(
        session=session, counter=counter, clerk=at.clerk, workstation=workstation, now=context.clock.now(),
        public_url=context.settings.public_url,
    )


def _run(
    context: AppContext, session: Session, at: AtCounter, workstation: str, action: TicketAction, **arguments: Any
) -> TicketOut:
    """Run one ticket action in the request's transaction and return the ticket's view."""
    public_url = context.settings.public_url
    with counters.counter_command(session, at.clerk):
        _hold(context, session, at, workstation)
        ticket = action(
            session=session, counter_id=at.counter_id, clerk=at.clerk, now=context.clock.now(),
            public_url=public_url, **arguments,
        )
        return ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, staff=True)


@router.get("/sites/{site}/counters", response_model=list[CounterOut])
def list_counters(site: str, context: ContextDep, clerk: SiteClerk, session: ReadSession) -> list[CounterOut]:
    """Every counter at a site with its state."""
    rows = session.exec(select(Counter).where(Counter.site_id == site).order_by(col(Counter.id))).all()
    return [counter_out(session=session, counter=c, public_url=context.settings.public_url) for c in rows]


@both("GET", "", response_model=CounterOut)
def show_counter(at: CounterDep, context: ContextDep, session: ReadSession) -> CounterOut:
    """One counter's state."""
    found = get_counter(session=session, counter_id=at.counter_id)
    return counter_out(session=session, counter=found, public_url=context.settings.public_url)


@both(
    "POST", "/call-next", response_model=TicketOut,
    responses={204: {"description": "Nobody is waiting for this counter's services"}},
)
def call_next(
    at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession
) -> TicketOut | Response:
    """Call the most urgent waiting citizen this counter serves."""
    public_url = context.settings.public_url
    with counters.counter_command(session, at.clerk):
        _hold(context, session, at, workstation)
        ticket = counters.call_next(
            session=session, counter_id=at.counter_id, clerk=at.clerk, now=context.clock.now(),
            public_url=public_url, grace_minutes=context.settings.closing_grace_minutes,
        )
        if ticket is None:
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        return ticket_out(session=session, ticket=ticket, public_url=public_url, holder=False, staff=True)


@both("POST", "/call", response_model=TicketOut)
def call_number(
    body: CallNumberIn, at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession
) -> TicketOut:
    """Call a given ticket, e.g. a parked citizen who came back."""
    return _run(context, session, at, workstation, counters.call_number, number=body.number)


@both("POST", "/recall", response_model=TicketOut)
def recall(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """Call the current citizen again; past the recall limit this marks a no-show instead."""
    return _run(context, session, at, workstation, counters.recall, max_recalls=context.settings.max_recalls)


@both("POST", "/undo-call", response_model=TicketOut)
def undo_call(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """Take back a call made by mistake; the citizen keeps their place in line."""
    window = context.settings.undo_call_seconds
    return _run(context, session, at, workstation, counters.undo_call, window_seconds=window)


@both("POST", "/start", response_model=TicketOut)
def start(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """The called citizen has arrived; service begins."""
    return _run(context, session, at, workstation, counters.start)


@both("POST", "/finish", response_model=TicketOut)
def finish(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """The citizen has been served."""
    return _run(context, session, at, workstation, counters.finish)


@both("POST", "/no-show", response_model=TicketOut)
def no_show(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """The called citizen did not come."""
    return _run(context, session, at, workstation, counters.no_show)


@both("POST", "/park", response_model=TicketOut)
def park(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> TicketOut:
    """The citizen steps away and will be called back by number."""
    return _run(context, session, at, workstation, counters.park)


@both("POST", "/transfer", response_model=TicketOut)
def transfer(
    body: TransferIn, at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession
) -> TicketOut:
    """Send the current citizen to another service's line, keeping their place in time."""
    return _run(context, session, at, workstation, counters.transfer, service_key=body.service, note=body.note)


def _set_paused(
    at: AtCounter, workstation: str, paused: bool, context: AppContext, session: Session, minutes: int | None = None
) -> CounterOut:
    public_url = context.settings.public_url
    _hold(context, session, at, workstation)
    found = counters.set_paused(
        session=session, counter_id=at.counter_id, paused=paused, clerk=at.clerk, now=context.clock.now(),
        public_url=public_url, minutes=minutes,
    )
    return counter_out(session=session, counter=found, public_url=public_url)


@both("POST", "/pause", response_model=CounterOut)
def pause(
    at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession, body: PauseIn | None = None
) -> CounterOut:
    """Stop calling at this counter for now; with `minutes`, kiosks and phones learn when it resumes."""
    return _set_paused(at, workstation, True, context, session, body.minutes if body else None)


@both("POST", "/resume", response_model=CounterOut)
def resume(at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession) -> CounterOut:
    """Take calls again."""
    return _set_paused(at, workstation, False, context, session)


@both("PUT", "/services", response_model=CounterOut)
def set_services(
    body: CounterServicesIn, at: CounterDep, context: ContextDep, workstation: WorkstationDep, session: WriteSession
) -> CounterOut:
    """Choose the services served at this counter today, within what it may serve."""
    public_url = context.settings.public_url
    _hold(context, session, at, workstation)
    found = counters.set_services(
        session=session, counter_id=at.counter_id, services=body.services, clerk=at.clerk, now=context.clock.now(),
        public_url=public_url,
    )
    return counter_out(session=session, counter=found, public_url=public_url)
