"""When a site's business day ends, in its own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.sites.hours import periods_on
from server.sites.models import Site


def closing_moment(site: Site, day: date, *, grace_minutes: int) -> datetime:
    """The UTC moment a business day closes: `grace_minutes` after its last opening period, else local midnight.

    Sites that are always open, and days without opening hours, close at the local midnight that ends the day.
    Wall-clock arithmetic in the site's zone keeps this right on the nights the clocks change.
    """
    zone = ZoneInfo(site.timezone)
    periods = periods_on(site, day)
    if site.always_open or not periods:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    last_end = periods[-1][1]
    end = datetime.combine(day, last_end, tzinfo=zone).astimezone(UTC)
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    # A grace reaching past midnight would let the next day begin with this day's lines.
    return min(end + timedelta(minutes=grace_minutes), midnight)
