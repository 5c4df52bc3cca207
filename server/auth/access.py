"""Staff roles per site: which sites a clerk may work at or supervise."""

from __future__ import annotations

from sqlalchemy import bindparam, literal
from sqlmodel import Session, col, func, select

from server.auth.models import Clerk, Role, SiteGrant
from server.errors import Forbidden
from server.sites.models import Site

# One statement: a clerk's grants, and beside each (or alone, without grants) whether there is only one site.
# Built once: every counter action asks it.
_GRANTS_AND_SITES = (
    select(
        (select(func.count()).select_from(Site).scalar_subquery() <= 1).label("single_site"),
        col(SiteGrant.site_id),
        col(SiteGrant.role),
    )
    .select_from(select(literal(1).label("anchor")).subquery())
    .outerjoin(SiteGrant, col(SiteGrant.clerk_id) == bindparam("clerk_id"))
)


def granted_sites(*, session: Session, clerk: Clerk, role: Role) -> frozenset[str] | None:
    """The sites where the clerk holds at least `role`; None means every site (admins, single-site offices)."""
    if Role(clerk.role) is Role.admin:
        return None
    rows = session.exec(_GRANTS_AND_SITES, params={"clerk_id": clerk.id}).all()
    grants = [(site_id, grant_role) for _, site_id, grant_role in rows if site_id is not None]
    if not grants:
        # Without grants an account keeps its role only where that cannot mean another office's data.
        single = bool(rows[0][0])
        return None if single and Role(clerk.role).level >= role.level else frozenset()
    return frozenset(site_id for site_id, grant_role in grants if Role(grant_role).level >= role.level)


def require_site(*, session: Session, clerk: Clerk, site_id: str, role: Role = Role.clerk) -> Clerk:
    """Refuse a clerk who lacks `role` at the site."""
    sites = granted_sites(session=session, clerk=clerk, role=role)
    if sites is not None and site_id not in sites:
        raise Forbidden(f"You hold no {role.value} role at site '{site_id}'.", code="site_not_granted")
    return clerk


def grant_sites(*, session: Session, clerk: Clerk, sites: list[str], role: str) -> None:
    """Give the clerk `role` at exactly these sites (replacing earlier grants)."""
    assert clerk.id is not None
    for grant in session.exec(select(SiteGrant).where(SiteGrant.clerk_id == clerk.id)).all():
        session.delete(grant)
    session.flush()
    for site_id in sites:
        session.add(SiteGrant(clerk_id=clerk.id, site_id=site_id, role=role))
