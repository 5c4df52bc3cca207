"""HTTP routes of counter sessions: open (or take over), close, who holds it, log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from sqlmodel import Session

from server.api.deps import ContextDep, CounterDep, CurrentClerk, WriteSession
from server.auth.models import Clerk
from server.counters import sessions
from server.counters.lookup import get_counter
from server.counters.models import Counter
from server.counters.session_models import CounterSession
from server.counters.session_schemas import CounterSessionOut, LogoutOut, OpenCounterIn
from server.security.deps import ClientAddress

router = APIRouter(tags=["counters"])

# The counter app names its workstation in every request, so the same clerk elsewhere is told apart.
WORKSTATION_HEADER = "X-Aufruf-Workstation"
WorkstationDep = Annotated[
    str, Header(alias=WORKSTATION_HEADER, max_length=80, pattern=r"^[A-Za-z0-9._:@-]*$", default_factory=str)
]


def session_out(
    *, session: Session, counter: Counter, held: CounterSession | None, clerk: Clerk, max_recalls: int = 0
) -> CounterSessionOut:
    """A session's staff view."""
    holder = session.get(Clerk, held.clerk_id) if held else None
    return CounterSessionOut(
        counter=counter.id,
        open=held is not None and held.closed_at is None,
        session=held.id if held else None,
        clerk=(holder.display_name or holder.username) if holder else None,
        username=holder.username if holder else None,
        workstation=held.workstation if held else None,
        opened_at=held.opened_at if held else None,
        last_seen_at=held.last_seen_at if held else None,
        closed_at=held.closed_at if held else None,
        close_reason=held.close_reason if held else None,
        closed_by=held.closed_by if held else None,
        yours=held is not None and held.clerk_id == clerk.id,
        max_recalls=max_recalls,
    )


@router.post("/counters/{counter}/open", response_model=CounterSessionOut)
@router.post("/sites/{site}/counters/{counter}/open", response_model=CounterSessionOut)
def open_counter(
    at: CounterDep,
    context: ContextDep,
    clerk: CurrentClerk,
    workstation: WorkstationDep,
    address: ClientAddress,
    session: WriteSession,
    body: OpenCounterIn | None = None,
) -> CounterSessionOut:
    """Open the counter for the calling clerk; 409 names who holds it; `takeover` (audited) ends their session."""
    request = body or OpenCounterIn()
    found = get_counter(session=session, counter_id=at.counter_id)
    held = sessions.open_counter(
        session=session,
        counter=found,
        clerk=clerk,
        workstation=request.workstation or workstation,
        takeover=request.takeover,
        now=context.clock.now(),
        public_url=context.settings.public_url,
        address=address,
    )
    return session_out(
        session=session, counter=found, held=held, clerk=clerk, max_recalls=context.settings.max_recalls
    )


@router.post("/counters/{counter}/close", response_model=CounterSessionOut)
@router.post("/sites/{site}/counters/{counter}/close", response_model=CounterSessionOut)
def close_counter(
    at: CounterDep, context: ContextDep, clerk: CurrentClerk, workstation: WorkstationDep, session: WriteSession
) -> CounterSessionOut:
    """Close the counter; refused while a citizen is still called or served there."""
    found = get_counter(session=session, counter_id=at.counter_id)
    held = sessions.close_counter(
        session=session,
        counter=found,
        clerk=clerk,
        workstation=workstation,
        now=context.clock.now(),
        public_url=context.settings.public_url,
    )
    return session_out(
        session=session, counter=found, held=held, clerk=clerk, max_recalls=context.settings.max_recalls
    )


@router.get("/counters/{counter}/session", response_model=CounterSessionOut)
@router.get("/sites/{site}/counters/{counter}/session", response_model=CounterSessionOut)
def show_session(at: CounterDep, context: ContextDep, clerk: CurrentClerk) -> CounterSessionOut:
    """Who holds the counter now, or who held it last and why it ended."""
    with context.database.read() as session:
        found = get_counter(session=session, counter_id=at.counter_id)
        held = sessions.last_session_of(session=session, counter=found)
        return session_out(
            session=session, counter=found, held=held, clerk=clerk, max_recalls=context.settings.max_recalls
        )


@router.post("/auth/logout", response_model=LogoutOut)
def log_out(context: ContextDep, clerk: CurrentClerk, workstation: WorkstationDep, session: WriteSession) -> LogoutOut:
    """Close the counters the clerk holds at this workstation; refused while one still has a citizen."""
    closed = sessions.log_out(
        session=session,
        clerk=clerk,
        workstation=workstation,
        now=context.clock.now(),
        public_url=context.settings.public_url,
    )
    return LogoutOut(closed=closed)
