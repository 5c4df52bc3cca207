"""When a service nobody serves right now is expected to be served again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from server.counters.models import CounterStatus
from server.counters.serving import chosen_services
from server.sites.hours import closing_time, local_time, periods_on
from server.sites.lookup import counter_links
from server.sites.models import Site


@dataclass(frozen=True)
class Availability:
    """Whether a service is served now and, if not, from when (when that is known)."""

    served_now: bool
    served_from: datetime | None = None
    served_from_time: str | None = None  # the same moment as HH:MM at the site


def _next_opening(site: Site, now: datetime) -> datetime | None:
    """The start of today's next opening period, if the office is closed now and opens later today."""
    if site.always_open or closing_time(site, now) is not None:
        return None  # open now: a closed counter's clerk may come any moment, nobody knows when
    local = local_time(site, now)
    for start, _end in periods_on(site, local.date()):
        if start > local.time():
            return datetime.combine(local.date(), start, tzinfo=local.tzinfo)
    return None


def resume_times(*, session: Session, site: Site, now: datetime) -> dict[int, datetime]:
    """Per service pk the earliest moment a counter that may serve it is expected back."""
    rows = counter_links(session=session, site_id=site.id)
    opening = _next_opening(site, now)
    earliest: dict[int, datetime] = {}
    for counter, service_pk, key in rows:
        chosen = chosen_services(counter)
        if chosen and key not in chosen:
            continue
        # A pause with a known end; before the office opens, its opening time.
        if counter.status == CounterStatus.paused and counter.paused_until and counter.paused_until > now:
            moment: datetime | None = counter.paused_until
        else:
            moment = opening
        if moment is not None and (service_pk not in earliest or moment < earliest[service_pk]):
            earliest[service_pk] = moment
    return earliest


def availability(
    *, site: Site, service_pk: int, served: frozenset[int], resumes: dict[int, datetime]
) -> Availability:
    """A service's availability from the forecast's served services and the known resume times."""
    if service_pk in served:
        return Availability(served_now=True)
    moment = resumes.get(service_pk)
    if moment is None:
        return Availability(served_now=False)
    clock = local_time(site, moment).strftime("%H:%M")
    return Availability(served_now=False, served_from=moment, served_from_time=clock)
