"""Opening hours in the site's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from server.sites.models import Site

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local_time(site: Site, moment: datetime) -> datetime:
    """A UTC moment as wall-clock time at the site."""
    return moment.astimezone(ZoneInfo(site.timezone))


def business_day(site: Site, moment: datetime) -> date:
    """The site's local calendar day at a moment; numbering restarts when it changes."""
    return local_time(site, moment).date()


def parse_clock(text: str) -> time:
    """Parse 'HH:MM' (24 h)."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def periods_on(site: Site, day: date) -> list[tuple[time, time]]:
    """The opening periods on a local day, in order."""
    spans = site.opening_hours.get(WEEKDAYS[day.weekday()], [])
    return sorted((parse_clock(start), parse_clock(end)) for start, end in spans)


def closing_time(site: Site, moment: datetime) -> datetime | None:
    """When the current opening period ends, or None if the site is closed now."""
    local = local_time(site, moment)
    for start, end in periods_on(site, local.date()):
        if start <= local.time() < end:
            return datetime.combine(local.date(), end, tzinfo=local.tzinfo)
    return None
