"""Whether a site's business day has been closed."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from server.closing.models import DayClosure
from server.sites.hours import business_day
from server.sites.models import Site

# Per transaction: (site, day) -> closed, so every service's figures cost one lookup in all.
CLOSED_MEMO = "aufruf_closed_days"


def is_day_closed(*, session: Session, site: Site, now: datetime) -> bool:
    """Tell whether the site's business day at `now` has been closed (read once per transaction)."""
    day = business_day(site, now)
    memo: dict[tuple[str, date], bool] = session.info.setdefault(CLOSED_MEMO, {})
    key = (site.id, day)
    if key not in memo:
        memo[key] = session.get(DayClosure, (site.id, day)) is not None
    return memo[key]
