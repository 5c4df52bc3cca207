"""HTTP routes for supervisors' figures."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query

from server.api.deps import ContextDep, CurrentSupervisor
from server.sites.hours import business_day
from server.sites.queue import get_site, site_services
from server.stats.kpis import DailyKpis, daily_kpis

router = APIRouter(tags=["statistics"])


@router.get("/sites/{site}/stats", response_model=DailyKpis)
def day_stats(
    site: str,
    context: ContextDep,
    supervisor: CurrentSupervisor,
    day: date | None = Query(default=None, alias="date", description="YYYY-MM-DD, default today"),
) -> DailyKpis:
    """A day's KPIs: tickets, waits, service times, no-shows, share within target."""
    with context.database.transaction() as session:
        found = get_site(session=session, site_id=site)
        targets = {s.key: s.target_wait_minutes for s in site_services(session=session, site_id=site)}
        return daily_kpis(
            session=session, site_id=site, day=day or business_day(found, context.clock.now()), targets=targets
        )
