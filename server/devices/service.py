"""Service functions for device reports."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from aufruf.events import DeviceStatus
from server.auth.models import Device
from server.devices.schemas import DeviceStatusIn
from server.events.envelope import EventType
from server.events.log import record_event


def report_status(*, session: Session, device: Device, report: DeviceStatusIn, now: datetime) -> None:
    """Record a device's state change so staff see it on displays and supervisor views."""
    stored = session.get(Device, device.id)
    if stored is not None:
        stored.last_seen = now
        session.add(stored)
    record_event(
        session=session,
        site_id=device.site_id,
        type=EventType.device_status,
        at=now,
        actor=f"device:{device.id}",
        data=DeviceStatus(
            device=device.id, kind=device.kind, component=report.component, state=report.state,
            detail=report.detail,
        ),
    )
