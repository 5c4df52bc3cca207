"""Counter sessions: one clerk holds a counter from opening to closing; nobody else drives it meanwhile."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from aufruf.events import CounterSessionChanged
from server.auth.models import Clerk, Role
from server.counters.announce import announce_counter
from server.counters.models import Counter, CounterStatus
from server.counters.session_models import CounterSession
from server.errors import Conflict, Forbidden
from server.events.envelope import EventType
from server.events.log import record_event
from server.security.audit import record_audit
from server.tickets.lifecycle import ACTIVE_AT_COUNTER
from server.tickets.models import Ticket
from server.tickets.service import announce_queue


class CounterHeld(Conflict):
    """Another clerk, or the same clerk at another workstation, holds the counter."""

    code = "counter_held"


def _name(clerk: Clerk | None) -> str:
    return (clerk.display_name or clerk.username) if clerk else "someone"


def open_session_of(*, session: Session, counter: Counter) -> CounterSession | None:
    """The counter's open session, if any."""
    return session.exec(
        select(CounterSession).where(
            CounterSession.site_id == counter.site_id,
            CounterSession.counter_id == counter.id,
            col(CounterSession.closed_at).is_(None),
        )
    ).first()


def _refusal(*, session: Session, counter: Counter, held: CounterSession, clerk: Clerk) -> CounterHeld:
    """The 409 naming who holds the counter (staff only: it goes to the asking clerk, never to a stream)."""
    since = held.opened_at.strftime("%H:%M UTC")
    where = f" at workstation '{held.workstation}'" if held.workstation else ""
    if held.clerk_id == clerk.id:
        return CounterHeld(
            f"You hold {counter.name}{where} since {since}; take it over to work here.", code="counter_held"
        )
    holder = session.get(Clerk, held.clerk_id)
    return CounterHeld(
        f"{counter.name} is held by {_name(holder)}{where} since {since}. Ask them to close it, "
        "or have a supervisor take it over.",
        code="counter_held",
    )


def _announce(
    *, session: Session, counter: Counter, held: CounterSession, state: str, now: datetime, actor: str, public_url: str
) -> None:
    """A public counter.session event (ids and reason only) plus the counter's and the lines' new state."""
    assert held.id is not None
    record_event(
        session=session,
        site_id=counter.site_id,
        type=EventType.counter_session,
        at=now,
        actor=actor,
        data=CounterSessionChanged(counter=counter.id, session=held.id, state=state, reason=held.close_reason),
        counter_id=counter.id,
    )
    announce_counter(session=session, counter=counter, now=now, actor=actor, public_url=public_url)
    announce_queue(session=session, site_id=counter.site_id, now=now, actor=actor)


def _start(
    *, session: Session, counter: Counter, clerk: Clerk, workstation: str, now: datetime, public_url: str,
    announce: bool = True,
) -> CounterSession:
    """A new session; `announce=False` when the action that opened it announces the counter itself."""
    assert clerk.id is not None
    held = CounterSession(
        counter_id=counter.id, site_id=counter.site_id, clerk_id=clerk.id, workstation=workstation,
        opened_at=now, last_seen_at=now,
    )
    session.add(held)
    session.flush()
    if announce:
        counter.status, counter.clerk_id = CounterStatus.open, clerk.id
        session.add(counter)
        _announce(
            session=session, counter=counter, held=held, state="opened", now=now, actor=f"clerk:{clerk.username}",
            public_url=public_url,
        )
    return held


def _end(
    *,
    session: Session,
    counter: Counter,
    held: CounterSession,
    reason: str,
    now: datetime,
    actor: str,
    public_url: str,
) -> None:
    held.closed_at, held.close_reason, held.closed_by = now, reason, actor
    session.add(held)
    counter.status, counter.clerk_id = CounterStatus.closed, None
    session.add(counter)
    _announce(session=session, counter=counter, held=held, state="closed", now=now, actor=actor, public_url=public_url)


def _mine(held: CounterSession, clerk: Clerk, workstation: str) -> bool:
    # A request without a workstation (older clients, scripts) is the clerk's own wherever they work.
    return held.clerk_id == clerk.id and (not workstation or not held.workstation or held.workstation == workstation)


def hold_counter(
    *, session: Session, counter: Counter, clerk: Clerk, workstation: str, now: datetime, public_url: str
) -> CounterSession:
    """The caller's session at the counter, opened on the first action if the counter is free; else 409."""
    held = open_session_of(session=session, counter=counter)
    if held is None:
        # Opened by its first action (older clients never open explicitly); that action announces the counter.
        return _start(
            session=session, counter=counter, clerk=clerk, workstation=workstation, now=now, public_url=public_url,
            announce=False,
        )
    if not _mine(held, clerk, workstation):
        raise _refusal(session=session, counter=counter, held=held, clerk=clerk)
    held.last_seen_at = now
    session.add(held)
    return held


def open_counter(
    *,
    session: Session,
    counter: Counter,
    clerk: Clerk,
    workstation: str,
    takeover: bool,
    now: datetime,
    public_url: str,
    address: str = "",
) -> CounterSession:
    """Open the counter for this clerk; `takeover` ends the clerk's session elsewhere, or anyone's for a supervisor."""
    held = open_session_of(session=session, counter=counter)
    if held is not None and _mine(held, clerk, workstation):
        # A session its first action opened without a workstation belongs to the one opening it now.
        held.workstation = held.workstation or workstation
        held.last_seen_at = now
        session.add(held)
        return held
    actor = f"clerk:{clerk.username}"
    if held is not None:
        if not takeover:
            raise _refusal(session=session, counter=counter, held=held, clerk=clerk)
        if held.clerk_id != clerk.id and Role(clerk.role).level < Role.supervisor.level:
            raise Forbidden(
                f"Only the clerk holding {counter.name} or a supervisor can take it over.", code="takeover_not_allowed"
            )
        previous = session.get(Clerk, held.clerk_id)
        _end(
            session=session,
            counter=counter,
            held=held,
            reason="taken_over",
            now=now,
            actor=actor,
            public_url=public_url,
        )
        record_audit(
            session=session,
            at=now,
            actor=actor,
            action="counter.taken_over",
            target=counter.id,
            site_id=counter.site_id,
            address=address,
            detail={
                "from": previous.username if previous else None,
                "from_workstation": held.workstation,
                "to_workstation": workstation,
                "session": held.id,
            },
        )
    return _start(
        session=session, counter=counter, clerk=clerk, workstation=workstation, now=now, public_url=public_url
    )


def _ensure_no_citizen(*, session: Session, counter: Counter) -> None:
    current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    if current is not None and current.status in ACTIVE_AT_COUNTER:
        raise Conflict(
            f"{counter.name} is still with {current.number} ({current.status}); finish it, mark it as no-show, "
            "park or transfer it before closing the counter.",
            code="counter_busy",
        )


def close_counter(
    *,
    session: Session,
    counter: Counter,
    clerk: Clerk,
    workstation: str,
    now: datetime,
    public_url: str,
    reason: str = "closed",
) -> CounterSession | None:
    """End the caller's session at the counter once its citizen is finished or handed back; None if none was open."""
    held = open_session_of(session=session, counter=counter)
    if held is None:
        return None
    if not _mine(held, clerk, workstation):
        raise _refusal(session=session, counter=counter, held=held, clerk=clerk)
    _ensure_no_citizen(session=session, counter=counter)
    _end(
        session=session,
        counter=counter,
        held=held,
        reason=reason,
        now=now,
        actor=f"clerk:{clerk.username}",
        public_url=public_url,
    )
    return held


def end_session(
    *, session: Session, counter: Counter, reason: str, now: datetime, actor: str, public_url: str
) -> CounterSession:
    """End whoever's session holds the counter (a supervisor's decision); refused while a citizen is there."""
    held = open_session_of(session=session, counter=counter)
    if held is None:
        raise Conflict(f"Nobody holds {counter.name} at the moment.", code="counter_not_held")
    _ensure_no_citizen(session=session, counter=counter)
    _end(session=session, counter=counter, held=held, reason=reason, now=now, actor=actor, public_url=public_url)
    return held


def log_out(*, session: Session, clerk: Clerk, workstation: str, now: datetime, public_url: str) -> list[str]:
    """Close every counter the clerk holds at this workstation; refused while one still has a citizen."""
    mine = [
        held
        for held in session.exec(
            select(CounterSession).where(CounterSession.clerk_id == clerk.id, col(CounterSession.closed_at).is_(None))
        ).all()
        if _mine(held, clerk, workstation)
    ]
    counters = [_counter(session=session, held=held) for held in mine]
    for counter in counters:
        _ensure_no_citizen(session=session, counter=counter)
    for held, counter in zip(mine, counters, strict=True):
        _end(
            session=session,
            counter=counter,
            held=held,
            reason="logout",
            now=now,
            actor=f"clerk:{clerk.username}",
            public_url=public_url,
        )
    return [counter.id for counter in counters]


def _counter(*, session: Session, held: CounterSession) -> Counter:
    counter = session.exec(
        select(Counter).where(Counter.site_id == held.site_id, Counter.id == held.counter_id)
    ).first()
    assert counter is not None
    return counter


def _has_citizen(*, session: Session, counter: Counter) -> bool:
    current = session.get(Ticket, counter.current_ticket_id) if counter.current_ticket_id else None
    return current is not None and current.status in ACTIVE_AT_COUNTER


def _open_sessions(*, session: Session, site_id: str) -> list[CounterSession]:
    return list(
        session.exec(
            select(CounterSession).where(CounterSession.site_id == site_id, col(CounterSession.closed_at).is_(None))
        ).all()
    )


def close_idle_sessions(*, session: Session, site_id: str, now: datetime, idle_minutes: int, public_url: str) -> int:
    """Close sessions without an action for `idle_minutes` (never with a citizen at the counter); returns how many.

    Counters left open or paused without any session (e.g. from before sessions existed) are shown closed too.
    """
    closed = 0
    limit = now - timedelta(minutes=idle_minutes)
    held_ids: set[str] = set()
    for held in _open_sessions(session=session, site_id=site_id):
        counter = _counter(session=session, held=held)
        if held.last_seen_at <= limit and not _has_citizen(session=session, counter=counter):
            _end(
                session=session,
                counter=counter,
                held=held,
                reason="timeout",
                now=now,
                actor="system",
                public_url=public_url,
            )
            closed += 1
        else:
            held_ids.add(counter.id)
    strays = session.exec(
        select(Counter).where(Counter.site_id == site_id, Counter.status != CounterStatus.closed)
    ).all()
    for counter in strays:
        if counter.id not in held_ids and not _has_citizen(session=session, counter=counter):
            counter.status, counter.clerk_id = CounterStatus.closed, None
            session.add(counter)
            announce_counter(session=session, counter=counter, now=now, actor="system", public_url=public_url)
    return closed


def close_sessions_for_day(
    *, session: Session, site_id: str, now: datetime, actor: str, public_url: str, opened_before: datetime
) -> int:
    """At a day's close, end its sessions (opened before `opened_before`) whose counter has no citizen left."""
    closed = 0
    for held in _open_sessions(session=session, site_id=site_id):
        counter = _counter(session=session, held=held)
        if held.opened_at < opened_before and not _has_citizen(session=session, counter=counter):
            _end(session=session, counter=counter, held=held, reason="day_closed", now=now, actor=actor,
                 public_url=public_url)
            closed += 1
    return closed


def last_session_of(*, session: Session, counter: Counter) -> CounterSession | None:
    """The counter's latest session, open or closed."""
    return session.exec(
        select(CounterSession)
        .where(CounterSession.site_id == counter.site_id, CounterSession.counter_id == counter.id)
        .order_by(col(CounterSession.id).desc())
    ).first()
