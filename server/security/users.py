"""Service functions for staff accounts managed by administrators."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.auth.models import Clerk, Role
from server.auth.password_policy import check_password
from server.auth.passwords import hash_password
from server.auth.service import add_clerk
from server.errors import Conflict, NotFound
from server.security.audit import record_audit


def list_users(*, session: Session) -> list[Clerk]:
    """Every staff account by username."""
    return list(session.exec(select(Clerk).order_by(col(Clerk.username))).all())


def create_user(
    *, session: Session, username: str, password: str, role: Role, display_name: str, now: datetime, actor: str,
    address: str = "",
) -> Clerk:
    """Create a staff account and note who did."""
    clerk = add_clerk(session=session, username=username, password=password, role=role, display_name=display_name)
    record_audit(
        session=session, at=now, actor=actor, action="user.created", target=username, address=address,
        detail={"role": role.value},
    )
    return clerk


def update_user(
    *, session: Session, username: str, role: Role | None, active: bool | None, password: str | None,
    display_name: str | None, now: datetime, actor: str, address: str = "",
) -> Clerk:
    """Change a staff account's role, state, name or password; each change is audited."""
    clerk = session.exec(select(Clerk).where(Clerk.username == username)).first()
    if clerk is None:
        raise NotFound(f"No user '{username}'.", code="unknown_user")
    if actor == f"clerk:{username}" and (active is False or (role is not None and role != Role.admin)):
        raise Conflict("Administrators cannot demote or disable themselves.", code="self_demotion")
    if role is not None and role != clerk.role:
        record_audit(
            session=session, at=now, actor=actor, action="user.role_changed", target=username, address=address,
            detail={"from": clerk.role, "to": role.value},
        )
        clerk.role = role
    if active is not None and active != clerk.active:
        action = "user.enabled" if active else "user.disabled"
        record_audit(session=session, at=now, actor=actor, action=action, target=username, address=address)
        clerk.active = active
    if password is not None:
        check_password(password, username=username, display_name=clerk.display_name)
        clerk.password_hash = hash_password(password)
        record_audit(session=session, at=now, actor=actor, action="user.password_set", target=username, address=address)
    if display_name is not None:
        clerk.display_name = display_name
    session.add(clerk)
    return clerk
