"""Service functions for staff accounts managed by administrators."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.auth.access import grant_sites
from server.auth.models import Clerk, Role, SiteGrant
from server.auth.password_policy import check_password
from server.auth.passwords import hash_password
from server.auth.service import add_clerk
from server.errors import Conflict, NotFound
from server.security.audit import record_audit
from server.sites.lookup import get_site


def list_users(*, session: Session) -> list[Clerk]:
    """Every staff account by username."""
    return list(session.exec(select(Clerk).order_by(col(Clerk.username))).all())


def create_user(
    *, session: Session, username: str, password: str, role: Role, display_name: str, now: datetime, actor: str,
    address: str = "", sites: list[str] | None = None,
) -> Clerk:
    """Create a staff account with its sites and note who did."""
    clerk = add_clerk(session=session, username=username, password=password, role=role, display_name=display_name)
    session.flush()
    set_sites(session=session, clerk=clerk, sites=sites or [])
    record_audit(
        session=session, at=now, actor=actor, action="user.created", target=username, address=address,
        detail={"role": role.value, "sites": sites or []},
    )
    return clerk


def set_sites(*, session: Session, clerk: Clerk, sites: list[str]) -> None:
    """Grant the account's role at these existing sites only; an admin needs none."""
    if sites and clerk.role == Role.admin:
        raise Conflict("An administrator is granted every site; give no sites.", code="admin_is_global")
    for site_id in sites:
        get_site(session=session, site_id=site_id)
    grant_sites(session=session, clerk=clerk, sites=sorted(set(sites)), role=clerk.role)


def user_sites(*, session: Session, clerk: Clerk) -> list[str]:
    """The sites an account is granted, by id."""
    return sorted(g.site_id for g in session.exec(select(SiteGrant).where(SiteGrant.clerk_id == clerk.id)).all())


def update_user(
    *, session: Session, username: str, role: Role | None, active: bool | None, password: str | None,
    display_name: str | None, now: datetime, actor: str, address: str = "", sites: list[str] | None = None,
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
    if sites is not None or role is not None:
        # A new role applies at the same sites; new sites keep the (possibly new) role.
        chosen = sites if sites is not None else user_sites(session=session, clerk=clerk)
        set_sites(session=session, clerk=clerk, sites=[] if clerk.role == Role.admin else chosen)
        if sites is not None:
            record_audit(session=session, at=now, actor=actor, action="user.sites_changed", target=username,
                         address=address, detail={"sites": sorted(set(chosen))})
    return clerk
