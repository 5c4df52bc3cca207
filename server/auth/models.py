"""Persistence models of clerks and devices."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class Role(StrEnum):
    """What a staff member may do; each role includes the ones before it."""

    clerk = "clerk"
    supervisor = "supervisor"
    admin = "admin"

    @property
    def level(self) -> int:
        """Rank of the role, for 'at least' checks."""
        return list(Role).index(self)


class DeviceKind(StrEnum):
    """The kinds of unattended device that talk to the server."""

    kiosk = "kiosk"
    display = "display"


class Clerk(SQLModel, table=True):
    """A staff member who logs in at a counter or supervises."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str = ""
    password_hash: str
    role: str = Field(default=Role.clerk, sa_column=Column(String(16), nullable=False))
    active: bool = True
    # "local" (password here), "ldap" or "oidc:<provider>": who checks this person's identity.
    source: str = Field(default="local", sa_column=Column(String(48), nullable=False, server_default="local"))


class SiteGrant(SQLModel, table=True):
    """A staff member's role at one site; admins need none, they are global."""

    clerk_id: int = Field(foreign_key="clerk.id", primary_key=True)
    site_id: str = Field(foreign_key="site.id", primary_key=True, max_length=40)
    role: str = Field(default=Role.clerk, sa_column=Column(String(16), nullable=False))


class Device(SQLModel, table=True):
    """A kiosk or display, authenticated by a random token of which only a hash is stored."""

    id: str = Field(primary_key=True, max_length=64)
    site_id: str = Field(foreign_key="site.id", index=True, max_length=40)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    token_hash: str = Field(unique=True, index=True, max_length=64)
    active: bool = True
    last_seen: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
