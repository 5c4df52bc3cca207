"""HTTP routes of a supervisor's controls for the day; each is one transaction and is audited."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi import Path as PathParam
from sqlmodel import Session

from server.api.deps import ContextDep, SiteSupervisor, WriteSession
from server.auth.models import Clerk
from server.context import AppContext
from server.counters.session_routes import session_out
from server.counters.session_schemas import CounterSessionOut
from server.day_controls import service
from server.day_controls.schemas import (
    CloseServiceIn,
    DayControlsOut,
    MovedOut,
    MoveIn,
    NoticeForMinutes,
    NoticeIn,
    NoticeOut,
    NoticeUntil,
    QuotaIn,
    ServiceControlOut,
)
from server.day_controls.views import day_controls, notice_out
from server.security.deps import ClientAddress

router = APIRouter(tags=["supervision"])
ServiceKey = Annotated[str, PathParam(min_length=1, max_length=40)]
NoticeId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def _actor(supervisor: Clerk) -> str:
    return f"clerk:{supervisor.username}"


def _service_view(context: AppContext, session: Session, site: str, key: str) -> ServiceControlOut:
    found = day_controls(session=session, site_id=site, now=context.clock.now())
    return next(s for s in found.services if s.id == key)


@router.get("/sites/{site}/day-controls", response_model=DayControlsOut)
def show_controls(
    site: str, context: ContextDep, supervisor: SiteSupervisor, lang: Literal["de", "en"] = "de"
) -> DayControlsOut:
    """Today's closures, quotas and notices, and who holds which counter."""
    with context.database.read() as session:
        return day_controls(session=session, site_id=site, now=context.clock.now(), language=lang)


@router.post("/sites/{site}/services/{key}/close", response_model=ServiceControlOut)
def close_service(
    site: str, key: ServiceKey, body: CloseServiceIn, context: ContextDep, supervisor: SiteSupervisor,
    session: WriteSession,
) -> ServiceControlOut:
    """Close the service for the rest of today with a message; tickets already waiting stay and are served."""
    service.close_service(
        session=session,
        site_id=site,
        service_key=key,
        message=body.message.as_texts(),
        now=context.clock.now(),
        actor=_actor(supervisor),
    )
    return _service_view(context, session, site, key)


@router.post("/sites/{site}/services/{key}/reopen", response_model=ServiceControlOut)
def reopen_service(
    site: str, key: ServiceKey, context: ContextDep, supervisor: SiteSupervisor, session: WriteSession
) -> ServiceControlOut:
    """Take tickets for the service again today."""
    service.reopen_service(
        session=session, site_id=site, service_key=key, now=context.clock.now(), actor=_actor(supervisor)
    )
    return _service_view(context, session, site, key)


@router.put("/sites/{site}/services/{key}/quota", response_model=ServiceControlOut)
def set_quota(
    site: str, key: ServiceKey, body: QuotaIn, context: ContextDep, supervisor: SiteSupervisor,
    session: WriteSession,
) -> ServiceControlOut:
    """Set today's quota of the service (null: the configured one); not below the tickets issued today."""
    service.set_quota(
        session=session,
        site_id=site,
        service_key=key,
        quota=body.quota,
        now=context.clock.now(),
        actor=_actor(supervisor),
    )
    return _service_view(context, session, site, key)


@router.post("/sites/{site}/services/{key}/move", response_model=MovedOut)
def move_waiting(
    site: str, key: ServiceKey, body: MoveIn, context: ContextDep, supervisor: SiteSupervisor, session: WriteSession
) -> MovedOut:
    """Move the service's waiting tickets to another service, numbers and order kept; phones are told."""
    moved = service.move_waiting(
        session=session,
        site_id=site,
        from_key=key,
        to_key=body.to,
        now=context.clock.now(),
        actor=_actor(supervisor),
        public_url=context.settings.public_url,
    )
    return MovedOut(from_service=key, to_service=body.to, moved=[ticket.number for ticket in moved])


@router.post("/sites/{site}/notices", response_model=NoticeOut, status_code=201)
def post_notice(
    site: str, body: NoticeIn, context: ContextDep, supervisor: SiteSupervisor, session: WriteSession
) -> NoticeOut:
    """Show a message on the displays and kiosks until it expires; they hide it at expiry on their own."""
    now = context.clock.now()
    notice = service.post_notice(
        session=session,
        site_id=site,
        texts=body.texts.as_texts(),
        expires_at=body.expires_at if isinstance(body, NoticeUntil) else None,
        minutes=body.minutes if isinstance(body, NoticeForMinutes) else None,
        now=now,
        actor=_actor(supervisor),
    )
    return notice_out(notice, now=now)


@router.delete("/sites/{site}/notices/{notice}", response_model=NoticeOut)
def withdraw_notice(
    site: str, notice: NoticeId, context: ContextDep, supervisor: SiteSupervisor, session: WriteSession
) -> NoticeOut:
    """Take a notice off the screens before it expires."""
    now = context.clock.now()
    found = service.withdraw_notice(
        session=session, site_id=site, notice_id=notice, now=now, actor=_actor(supervisor)
    )
    return notice_out(found, now=now)


@router.post("/sites/{site}/counters/{counter}/end-session", response_model=CounterSessionOut)
def end_session(
    site: str,
    counter: Annotated[str, PathParam(min_length=1, max_length=40)],
    context: ContextDep,
    supervisor: SiteSupervisor,
    address: ClientAddress,
    session: WriteSession,
) -> CounterSessionOut:
    """End the session holding the counter; refused while a citizen is called or served there."""
    found, held = service.end_counter_session(
        session=session,
        site_id=site,
        counter_key=counter,
        now=context.clock.now(),
        actor=_actor(supervisor),
        public_url=context.settings.public_url,
        address=address,
    )
    return session_out(session=session, counter=found, held=held, clerk=supervisor)
