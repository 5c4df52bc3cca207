"""Per database and site, the business day before which nothing was last found open: call-next need not look again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlmodel import Session

from server.closing.rules import day_end
from server.sites.models import Site

# Earlier days cannot gain open tickets once a day has begun: a ticket belongs to the day it is issued on (one
# reconciled from an earlier day's offline journal arrives cancelled) and an expired ticket never reopens. A
# transaction that issued a ticket just before midnight may still commit just after, so a finding counts only
# once the day is this far along.
SETTLED = timedelta(minutes=1)

# Keyed by engine: a second database in the same process (tests, a restore) starts with nothing known.
_checked: WeakKeyDictionary[object, dict[str, date]] = WeakKeyDictionary()


def nothing_left_before(*, session: Session, site_id: str, day: date) -> bool:
    """Whether a check during `day` already found no earlier day with open tickets."""
    return _checked.get(session.get_bind(), {}).get(site_id) == day


def remember_nothing_left(*, session: Session, site: Site, day: date, now: datetime) -> None:
    """Note that no day before `day` has open tickets (found inside this transaction, at `now`)."""
    if now >= day_end(site, day - timedelta(days=1)) + SETTLED:
        _checked.setdefault(session.get_bind(), {})[site.id] = day
    else:
        forget(session=session, site_id=site.id)


def forget(*, session: Session, site_id: str) -> None:
    """Make the next check look at the database again."""
    _checked.get(session.get_bind(), {}).pop(site_id, None)
