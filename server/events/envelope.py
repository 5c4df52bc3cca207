"""The wire format of every websocket message."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict

from server.events.frames import text_frame


class EventType(StrEnum):
    """Every event type the server pushes."""

    snapshot = "snapshot"
    ticket_created = "ticket.created"
    ticket_called = "ticket.called"
    ticket_recalled = "ticket.recalled"
    ticket_serving = "ticket.serving"
    ticket_finished = "ticket.finished"
    ticket_no_show = "ticket.no_show"
    ticket_cancelled = "ticket.cancelled"
    ticket_parked = "ticket.parked"
    ticket_transferred = "ticket.transferred"
    ticket_requeued = "ticket.requeued"
    # The day closed before the ticket was served; data carries `reason`.
    ticket_expired = "ticket.expired"
    # A remote ticket whose turn came before it was checked in went back in line; checked in at the kiosk.
    ticket_postponed = "ticket.postponed"
    ticket_checked_in = "ticket.checked_in"
    day_closed = "day.closed"
    queue_changed = "queue.changed"
    counter_changed = "counter.changed"
    # A clerk's session at a counter began or ended; names stay off this public event.
    counter_session = "counter.session"
    # Only on the supervisors' channel, never on a site's public stream.
    counter_alarm = "counter.alarm"
    alarm_acknowledged = "alarm.acknowledged"
    device_status = "device.status"
    # A supervisor closed or reopened a service for the rest of the day; data carries its message.
    service_closed = "service.closed"
    service_reopened = "service.reopened"
    # The site's notices for displays and kiosks changed; data carries every notice showing now.
    notices_changed = "notices.changed"
    appointment_booked = "appointment.booked"
    appointment_cancelled = "appointment.cancelled"
    appointment_checked_in = "appointment.checked_in"
    appointment_no_show = "appointment.no_show"


class Envelope(BaseModel):
    """One event as sent to clients: `{"seq", "type", "at", "data"}` plus the site."""

    model_config = ConfigDict(frozen=True)

    seq: int
    type: str
    at: datetime
    site: str
    data: dict[str, Any]

    @cached_property
    def text(self) -> str:
        """The JSON text, computed once and sent to every subscriber as is."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def frame(self) -> bytes:
        """The websocket frame carrying `text`, encoded once and written to every direct subscriber."""
        return text_frame(self.text)

    @classmethod
    def from_text(cls, text: str) -> Envelope:
        """Parse an envelope from its JSON text."""
        return cls.model_validate_json(text)
