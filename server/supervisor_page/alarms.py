"""Acknowledging counters' silent alarms, recorded on the site's supervisor channel."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from aufruf.events import AlarmAcknowledged
from server.auth.models import Clerk
from server.counter_extras.channel import supervisor_channel
from server.errors import NotFound
from server.events.envelope import EventType
from server.events.log import record_event
from server.events.models import EventRecord


def acknowledge_alarm(*, session: Session, site_id: str, alarm_id: int, supervisor: Clerk, now: datetime) -> None:
    """Mark an alarm as taken care of; every supervisor's page sees it at once."""
    channel = supervisor_channel(site_id)
    alarm = session.exec(
        select(EventRecord).where(
            EventRecord.site_id == channel, EventRecord.seq == alarm_id, EventRecord.type == EventType.counter_alarm
        )
    ).first()
    if alarm is None:
        raise NotFound(f"There is no alarm {alarm_id} at site '{site_id}'.", code="unknown_alarm")
    record_event(
        session=session, site_id=channel, type=EventType.alarm_acknowledged, at=now,
        actor=f"clerk:{supervisor.username}",
        data=AlarmAcknowledged(alarm=alarm_id, by=supervisor.display_name or supervisor.username),
        counter_id=alarm.counter_id,
    )


def acknowledged(*, session: Session, site_id: str) -> dict[int, str]:
    """Which alarms were acknowledged, and by whom."""
    rows = session.exec(
        select(EventRecord).where(
            EventRecord.site_id == supervisor_channel(site_id), EventRecord.type == EventType.alarm_acknowledged
        )
    ).all()
    return {int(row.data["alarm"]): str(row.data.get("by", "")) for row in rows}
