"""One site forecast per unchanged transaction: a request's ticket views and queue figures share it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from server.estimates import Forecast, site_forecast
from server.events.models import EventRecord
from server.sites.models import Service, Site

MEMO = "aufruf_forecast_memo"
# Writes to these tables never change a forecast: the event log, its per-site counter, the forecasts' own record.
NEUTRAL_TABLES = frozenset({EventRecord.__tablename__, "sitesequence", "waitforecast"})
# Calls within one request read the clock a few milliseconds apart; that never moves a minute range.
SAME_MOMENT = timedelta(seconds=1)


def _forget(session: OrmSession) -> None:
    session.info.pop(MEMO, None)


@event.listens_for(OrmSession, "before_flush")
def _on_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Any change other than a new event row makes the memo stale."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, EventRecord):
            _forget(session)
            return


@event.listens_for(OrmSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    """Bulk and Core writes (upserts, UPDATE … WHERE) make it stale too, unless they touch only the log."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in NEUTRAL_TABLES:
        _forget(state.session)


@event.listens_for(OrmSession, "after_commit")
@event.listens_for(OrmSession, "after_rollback")
def _on_transaction_end(session: OrmSession) -> None:
    """Another transaction may change the data next."""
    _forget(session)


def shared_forecast(*, session: Session, site: Site, services: list[Service], now: datetime) -> Forecast:
    """`site_forecast`, computed once while the transaction's data stays the same."""
    # Pending changes must reach the listeners first; the forecast's own queries would flush them anyway.
    session.flush()
    key = (site.id, tuple(service.pk for service in services))
    memo = session.info.get(MEMO)
    if memo is not None and memo[0] == key and abs(memo[1] - now) < SAME_MOMENT:
        forecast: Forecast = memo[2]
        return forecast
    forecast = site_forecast(session=session, site=site, services=services, now=now)
    session.info[MEMO] = (key, now, forecast)
    return forecast
