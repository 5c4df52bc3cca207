"""HTTP route of a supervisor's "close the day now"."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import ContextDep, SiteSupervisor, WriteSession
from server.closing.schemas import DayClosureOut
from server.closing.service import close_day_now
from server.security.audit import record_audit

router = APIRouter(tags=["supervision"])


@router.post("/sites/{site}/close-day", response_model=DayClosureOut)
def close_day(site: str, context: ContextDep, supervisor: SiteSupervisor, session: WriteSession) -> DayClosureOut:
    """End today at once: every waiting, called or parked ticket expires and no new ones are issued today."""
    now = context.clock.now()
    actor = f"clerk:{supervisor.username}"
    closure = close_day_now(
        session=session, site_id=site, now=now, actor=actor, public_url=context.settings.public_url
    )
    record_audit(
        session=session,
        at=now,
        actor=actor,
        action="day.closed",
        target=site,
        site_id=site,
        detail={"business_day": closure.business_day.isoformat(), "expired": closure.expired},
    )
    return DayClosureOut(
        site=site,
        business_day=closure.business_day,
        closed_at=closure.closed_at,
        reason=closure.reason,
        expired=closure.expired,
        expired_remote=closure.expired_remote,
    )
