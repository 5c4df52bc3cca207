"""Staff accounts for people a provider or directory vouches for, refreshed at every sign-in."""

from __future__ import annotations

from sqlmodel import Session, select

from server.auth.models import Clerk, SiteGrant
from server.auth.sso.mapping import ExternalIdentity, StaffGrant
from server.errors import Conflict

# Never a valid Argon2 hash: an account from a provider or directory has no password here.
NO_LOCAL_PASSWORD = "!external"


def provision_staff(*, session: Session, identity: ExternalIdentity, grant: StaffGrant) -> Clerk:
    """Create or update the staff account of an external identity, with exactly the grants its groups give."""
    clerk = session.exec(select(Clerk).where(Clerk.username == identity.username)).first()
    if clerk is not None and clerk.source != identity.source:
        # A provider must never take over a local account (or another provider's) of the same name.
        raise Conflict(
            f"The account '{identity.username}' is managed elsewhere ({clerk.source}); "
            "ask your administrator to rename or remove one of them.",
            code="account_source_conflict",
        )
    clerk = clerk or Clerk(username=identity.username, password_hash=NO_LOCAL_PASSWORD, source=identity.source)
    clerk.display_name = identity.display_name[:120]
    clerk.role = grant.role
    clerk.active = True
    session.add(clerk)
    session.flush()
    assert clerk.id is not None
    for old in session.exec(select(SiteGrant).where(SiteGrant.clerk_id == clerk.id)).all():
        session.delete(old)
    session.flush()
    for site_id, role in grant.sites.items():
        session.add(SiteGrant(clerk_id=clerk.id, site_id=site_id, role=role))
    return clerk
