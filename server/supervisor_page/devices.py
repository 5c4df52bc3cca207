"""The latest state each kiosk and display reported for each of its parts, read from the event log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.auth.models import Device
from server.events.envelope import EventType
from server.events.models import EventRecord

# Devices report only changes, so a few hundred reports reach far back; older ones are superseded anyway.
REPORTS_SCANNED = 500


class ComponentState(BaseModel):
    """One part's last reported state."""

    state: str
    detail: str | None
    at: datetime


class DeviceHealth(BaseModel):
    """A device with the last state of each part it reported."""

    id: str
    kind: str
    active: bool
    last_seen: datetime | None
    components: dict[str, ComponentState]


def device_health(*, session: Session, site_id: str) -> list[DeviceHealth]:
    """Every device of the site with its parts' latest reported states."""
    devices = session.exec(select(Device).where(Device.site_id == site_id).order_by(col(Device.id))).all()
    reports = session.exec(
        select(EventRecord)
        .where(EventRecord.site_id == site_id, EventRecord.type == EventType.device_status)
        .order_by(col(EventRecord.seq).desc())
        .limit(REPORTS_SCANNED)
    ).all()
    latest: dict[str, dict[str, ComponentState]] = {}
    for report in reports:
        parts = latest.setdefault(str(report.data.get("device")), {})
        component = str(report.data.get("component"))
        if component not in parts:
            parts[component] = ComponentState(
                state=str(report.data.get("state")), detail=report.data.get("detail"), at=report.at
            )
    return [
        DeviceHealth(
            id=device.id, kind=device.kind, active=device.active, last_seen=device.last_seen,
            components=latest.get(device.id, {}),
        )
        for device in devices
    ]
