"""Entry points of the statistics for routes: the report of a day or a week."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from server.errors import DomainError
from server.sites.hours import business_day
from server.sites.lookup import get_site
from server.stats.kpis import DailyKpis, WeeklyKpis, daily_kpis, weekly_kpis
from server.stats.staffing import DEFAULT_GOAL


class Period(StrEnum):
    """How much a report covers."""

    day = "day"
    week = "week"


# Days whose local bounds and ISO week stay far from the year-1 and year-9999 edges of datetime.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def report(
    *,
    session: Session,
    site_id: str,
    day: date | None,
    period: Period,
    now: datetime,
    language: str = "de",
    goal: float = DEFAULT_GOAL,
) -> DailyKpis | WeeklyKpis:
    """The report of a local day or of its ISO week; without a day, today at the site."""
    chosen = day or business_day(get_site(session=session, site_id=site_id), now)
    if not EARLIEST_DAY <= chosen <= LATEST_DAY:
        raise DomainError(f"No figures for {chosen.isoformat()}; ask for a day between 2000 and 2999.", code="bad_date")
    if period is Period.week:
        return weekly_kpis(session=session, site_id=site_id, day=chosen, language=language)
    return daily_kpis(session=session, site_id=site_id, day=chosen, now=now, language=language, goal=goal)
