"""Service functions for device tokens: rotate, revoke, and keeping changes across config reloads."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from aufruf.events import DeviceKeyChanged
from server.auth.models import Device
from server.auth.tokens import hash_device_token, new_device_token
from server.errors import NotFound
from server.events.envelope import EventType
from server.events.log import record_event
from server.security.audit import record_audit
from server.security.channel import security_channel
from server.security.models import DeviceKeyChange


def get_device(*, session: Session, device_id: str) -> Device:
    """A device by id."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound(f"No device '{device_id}'.", code="unknown_device")
    return device


def list_devices(*, session: Session) -> list[Device]:
    """Every device, by site and id."""
    return list(session.exec(select(Device).order_by(col(Device.site_id), col(Device.id))).all())


def _remember_change(*, session: Session, device: Device, now: datetime) -> None:
    """Note the config hash being replaced, unless an earlier change already did."""
    if session.get(DeviceKeyChange, device.id) is None:
        session.add(DeviceKeyChange(device_id=device.id, config_hash=device.token_hash, changed_at=now))


def _cut_off(*, session: Session, device: Device, now: datetime, actor: str, state: str) -> None:
    """Tell every worker to close the websockets opened with the device's old token."""
    record_event(
        session=session, site_id=security_channel(device.site_id), type=EventType.device_status, at=now,
        actor=actor, data=DeviceKeyChanged(device=device.id, kind=device.kind, state=state),
    )


def rotate_device(*, session: Session, device_id: str, now: datetime, actor: str, address: str = "") -> str:
    """Give a device a new random token (re-enabling it if revoked); returns the token, shown once."""
    device = get_device(session=session, device_id=device_id)
    _remember_change(session=session, device=device, now=now)
    token = new_device_token()
    device.token_hash = hash_device_token(token)
    device.active = True
    session.add(device)
    _cut_off(session=session, device=device, now=now, actor=actor, state="rotated")
    record_audit(
        session=session, at=now, actor=actor, action="device.rotated", target=device.id, site_id=device.site_id,
        address=address, detail={"kind": device.kind},
    )
    return token


def revoke_device(*, session: Session, device_id: str, now: datetime, actor: str, address: str = "") -> Device:
    """Refuse a device's token from now on, including its open websockets."""
    device = get_device(session=session, device_id=device_id)
    _remember_change(session=session, device=device, now=now)
    device.active = False
    session.add(device)
    _cut_off(session=session, device=device, now=now, actor=actor, state="revoked")
    record_audit(
        session=session, at=now, actor=actor, action="device.revoked", target=device.id, site_id=device.site_id,
        address=address, detail={"kind": device.kind},
    )
    return device


def config_token_applies(*, session: Session, device_id: str, config_hash: str) -> bool:
    """Whether a config file's token hash should be written: not while it is the one rotated away from."""
    change = session.get(DeviceKeyChange, device_id)
    if change is None:
        return True
    if change.config_hash == config_hash:
        return False
    # The file names a new token: an administrator re-enrolled the device by hand; the file wins again.
    session.delete(change)
    return True
