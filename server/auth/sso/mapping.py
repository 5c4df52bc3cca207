"""From a directory's or provider's groups to a role and the sites it holds."""

from __future__ import annotations

from dataclasses import dataclass

from server.auth.models import Role
from server.auth.sso.config import GroupMapping
from server.errors import Forbidden


@dataclass(frozen=True)
class ExternalIdentity:
    """Who a provider or directory says the person is; `source` is "oidc:<name>" or "ldap"."""

    source: str
    username: str
    display_name: str
    groups: frozenset[str]


@dataclass(frozen=True)
class StaffGrant:
    """The highest role overall and the role at each site (empty for admins, who hold every site)."""

    role: Role
    sites: dict[str, Role]


def _same_group(configured: str, held: str) -> bool:
    """Group names compare without case, as AD and most directories treat DNs and names."""
    return configured.casefold() == held.casefold()


def map_groups(*, identity: ExternalIdentity, mappings: list[GroupMapping]) -> StaffGrant:
    """The role and sites the identity's groups grant; refused when no mapped group is among them."""
    matched = [m for m in mappings if any(_same_group(m.group, held) for held in identity.groups)]
    if not matched:
        raise Forbidden(
            f"'{identity.username}' signed in, but is in none of the groups that Aufruf maps to a role; "
            "ask your administrator to add you to a staff group.",
            code="no_mapped_group",
        )
    role = max((Role(m.role) for m in matched), key=lambda r: r.level)
    if role is Role.admin:
        return StaffGrant(role=role, sites={})
    sites: dict[str, Role] = {}
    for mapping in matched:
        for site in mapping.sites:
            held = sites.get(site)
            if held is None or Role(mapping.role).level > held.level:
                sites[site] = Role(mapping.role)
    return StaffGrant(role=role, sites=sites)
