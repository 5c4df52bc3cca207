"""Service functions of the silent alarm: recorded in the log, pushed only to supervisors."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from aufruf.events import CounterAlarm
from server.auth.models import Clerk
from server.counter_extras.channel import supervisor_channel
from server.counter_extras.schemas import AlarmOut
from server.counters.lookup import get_counter
from server.events.envelope import EventType
from server.events.log import record_event
from server.events.models import EventRecord


def raise_alarm(*, session: Session, counter_id: str, clerk: Clerk, note: str | None, now: datetime) -> AlarmOut:
    """Alert the site's supervisors silently; nothing appears on displays or phones."""
    counter = get_counter(session=session, counter_id=counter_id)
    channel = supervisor_channel(counter.site_id)
    data = CounterAlarm(
        site=counter.site_id,
        counter=counter.id,
        counter_name=counter.name,
        room=counter.room,
        clerk=clerk.display_name or clerk.username,
        note=note,
    )
    envelope = record_event(
        session=session, site_id=channel, type=EventType.counter_alarm, at=now,
        actor=f"clerk:{clerk.username}", data=data, counter_id=counter.id,
    )
    # The channel's seq numbers the alarms; it is the alarm's id for supervisors.
    alarm = AlarmOut(id=envelope.seq, at=now, **data.payload())
    return alarm


def recent_alarms(*, session: Session, site_id: str, limit: int = 20) -> list[AlarmOut]:
    """The site's latest alarms, newest first."""
    rows = session.exec(
        select(EventRecord)
        .where(EventRecord.site_id == supervisor_channel(site_id), EventRecord.type == EventType.counter_alarm)
        .order_by(col(EventRecord.seq).desc())
        .limit(limit)
    ).all()
    return [AlarmOut(id=row.seq, at=row.at, **row.data) for row in rows]
