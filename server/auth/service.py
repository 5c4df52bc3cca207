"""Service functions for logging in and recognising callers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from server.auth.models import Clerk, Device, DeviceKind, Role
from server.auth.password_policy import check_password
from server.auth.passwords import hash_password, verify_password
from server.auth.tokens import create_staff_token, hash_device_token, read_staff_token
from server.errors import Conflict, Forbidden, NotFound, Unauthorized


def login(
    *, session: Session, username: str, password: str, secret: str, now: datetime, minutes: int
) -> tuple[Clerk, str]:
    """Check credentials and issue a signed token."""
    clerk = session.exec(select(Clerk).where(Clerk.username == username)).first()
    stored = clerk.password_hash if clerk and clerk.active else None
    if not verify_password(stored, password) or clerk is None:
        raise Unauthorized("Wrong username or password.", code="bad_credentials")
    token = create_staff_token(username=clerk.username, role=clerk.role, secret=secret, now=now, minutes=minutes)
    return clerk, token


def clerk_from_token(*, session: Session, token: str, secret: str, now: datetime | None = None) -> Clerk:
    """The active clerk a bearer token belongs to."""
    claims = read_staff_token(token, secret=secret, now=now)
    if claims is None:
        raise Unauthorized("Your session has expired or the token is invalid; log in again.", code="bad_token")
    clerk = session.exec(select(Clerk).where(Clerk.username == claims["sub"])).first()
    if clerk is None or not clerk.active:
        raise Unauthorized("This account is disabled.", code="bad_token")
    return clerk


def require_role(clerk: Clerk, role: Role) -> Clerk:
    """Refuse clerks below a role."""
    if Role(clerk.role).level < role.level:
        raise Forbidden(f"This needs the {role.value} role.", code="role_required")
    return clerk


def device_from_token(*, session: Session, token: str, kind: DeviceKind | None = None) -> Device:
    """The active device a bearer token belongs to."""
    device = session.exec(select(Device).where(Device.token_hash == hash_device_token(token))).first()
    if device is None or not device.active:
        raise Unauthorized("Unknown or revoked device token.", code="bad_device_token")
    if kind is not None and device.kind != kind:
        raise Forbidden(f"This needs a {kind.value} device token.", code="wrong_device_kind")
    return device


def add_clerk(*, session: Session, username: str, password: str, role: Role, display_name: str = "") -> Clerk:
    """Create a staff account."""
    if session.exec(select(Clerk).where(Clerk.username == username)).first() is not None:
        raise Conflict(f"User '{username}' already exists.", code="user_exists")
    check_password(password, username=username, display_name=display_name)
    clerk = Clerk(username=username, password_hash=hash_password(password), role=role, display_name=display_name)
    session.add(clerk)
    return clerk


def set_password(*, session: Session, username: str, password: str) -> Clerk:
    """Replace a staff member's password."""
    clerk = session.exec(select(Clerk).where(Clerk.username == username)).first()
    if clerk is None:
        raise NotFound(f"No user '{username}'.", code="unknown_user")
    check_password(password, username=username, display_name=clerk.display_name)
    clerk.password_hash = hash_password(password)
    session.add(clerk)
    return clerk
