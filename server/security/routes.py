"""Administrators' HTTP routes: staff accounts, device tokens, the audit trail."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Response, status
from sqlmodel import Session

from server.api.deps import ContextDep, ReadSession, WriteSession
from server.auth.models import Clerk, Device, Role
from server.security.audit import audit_records, clerk_actions
from server.security.deps import ClientAddress, CurrentAdmin
from server.security.devices import list_devices, revoke_device, rotate_device
from server.security.schemas import AuditOut, ClerkActionOut, DeviceOut, RotatedToken, UserChange, UserIn, UserOut
from server.security.users import create_user, list_users, update_user, user_sites
from server.sites.lookup import get_site

router = APIRouter(tags=["admin"])



def _user(session: Session, clerk: Clerk) -> UserOut:
    return UserOut(
        username=clerk.username, display_name=clerk.display_name, role=Role(clerk.role), active=clerk.active,
        sites=user_sites(session=session, clerk=clerk),
    )


def _device(device: Device) -> DeviceOut:
    return DeviceOut(
        id=device.id, site=device.site_id, kind=device.kind, active=device.active, last_seen=device.last_seen
    )


@router.get("/admin/users", response_model=list[UserOut])
def get_users(admin: CurrentAdmin, session: ReadSession) -> list[UserOut]:
    """Every staff account."""
    return [_user(session, clerk) for clerk in list_users(session=session)]


@router.post("/admin/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def post_user(
    body: UserIn, admin: CurrentAdmin, context: ContextDep, address: ClientAddress, session: WriteSession
) -> UserOut:
    """Create a staff account."""
    clerk = create_user(
        session=session, username=body.username, password=body.password, role=body.role,
        display_name=body.display_name, now=context.clock.now(), actor=f"clerk:{admin.username}",
        address=address, sites=body.sites,
    )
    return _user(session, clerk)


@router.patch("/admin/users/{username}", response_model=UserOut)
def patch_user(
    username: str, body: UserChange, admin: CurrentAdmin, context: ContextDep, address: ClientAddress,
    session: WriteSession
) -> UserOut:
    """Change a staff account's role, state, name or password."""
    clerk = update_user(
        session=session, username=username, role=body.role, active=body.active, password=body.password,
        display_name=body.display_name, now=context.clock.now(), actor=f"clerk:{admin.username}",
        address=address, sites=body.sites,
    )
    return _user(session, clerk)


@router.get("/admin/devices", response_model=list[DeviceOut])
def get_devices(admin: CurrentAdmin, session: ReadSession) -> list[DeviceOut]:
    """Every kiosk and display."""
    return [_device(device) for device in list_devices(session=session)]


@router.post("/devices/{device_id}/rotate", response_model=RotatedToken)
def rotate(
    device_id: str, admin: CurrentAdmin, context: ContextDep, address: ClientAddress, response: Response,
    session: WriteSession,
) -> RotatedToken:
    """Issue a new token for a device; the old one stops working at once. The token is shown only here."""
    token = rotate_device(
        session=session, device_id=device_id, now=context.clock.now(), actor=f"clerk:{admin.username}",
        address=address,
    )
    response.headers["Cache-Control"] = "no-store"
    return RotatedToken(device=device_id, token=token)


@router.post("/devices/{device_id}/revoke", response_model=DeviceOut)
def revoke(
    device_id: str, admin: CurrentAdmin, context: ContextDep, address: ClientAddress, session: WriteSession
) -> DeviceOut:
    """Refuse a device's token from now on; its open websockets are closed."""
    device = revoke_device(
        session=session, device_id=device_id, now=context.clock.now(), actor=f"clerk:{admin.username}",
        address=address,
    )
    return _device(device)


@router.delete("/devices/{device_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_device(
    device_id: str, admin: CurrentAdmin, context: ContextDep, address: ClientAddress, session: WriteSession
) -> Response:
    """Same as revoke; the device stays listed so its history keeps its name."""
    revoke(device_id, admin, context, address, session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/admin/audit", response_model=list[AuditOut])
def get_audit(
    admin: CurrentAdmin,
    session: ReadSession,
    since: datetime | None = None,
    action: str | None = Query(default=None, max_length=40),
    actor: str | None = Query(default=None, max_length=80),
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[AuditOut]:
    """Logins, failed logins, role changes and device token changes, newest first."""
    rows = audit_records(session=session, since=since, action=action, actor=actor, limit=limit)
    return [
        AuditOut(
            at=r.at, actor=r.actor, action=r.action, target=r.target, site=r.site_id, address=r.address,
            detail=r.detail,
        )
        for r in rows
    ]


@router.get("/admin/sites/{site}/clerk-actions", response_model=list[ClerkActionOut])
def get_clerk_actions(
    site: str,
    admin: CurrentAdmin,
    session: ReadSession,
    since: datetime | None = None,
    actor: str | None = Query(default=None, max_length=80),
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[ClerkActionOut]:
    """Every call, finish, no-show, transfer, pause … done by staff at a site, newest first."""
    get_site(session=session, site_id=site)
    rows = clerk_actions(session=session, site_id=site, since=since, actor=actor, limit=limit)
    return [
        ClerkActionOut(
            seq=r.seq, at=r.at, actor=r.actor, type=r.type, counter=r.counter_id, ticket_id=r.ticket_id,
            number=r.data.get("number") if isinstance(r.data, dict) else None,
        )
        for r in rows
    ]
