"""When a site's business day ends, in its own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from server.sites.hours import periods_on

if TYPE_CHECKING:
    from server.sites.models import Site


def day_end(site: Site, day: date) -> datetime:
    """The UTC moment of the local midnight that ends a business day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(site.timezone)).astimezone(UTC)


def closing_moment(site: Site, day: date, *, grace_minutes: int) -> datetime:
    """The UTC moment a business day closes: `grace_minutes` after its last opening period, else local midnight.

    Sites that are always open, and days without opening hours, close at the local midnight that ends the day.
    Wall-clock arithmetic in the site's zone keeps this right on the nights the clocks change.
    """
    periods = periods_on(site, day)
    midnight = day_end(site, day)
    if site.always_open or not periods:
        return midnight
    end = datetime.combine(day, periods[-1][1], tzinfo=ZoneInfo(site.timezone)).astimezone(UTC)
    # A grace reaching past midnight would let the next day begin with this day's lines.
    return min(end + timedelta(minutes=grace_minutes), midnight)
