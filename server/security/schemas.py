"""Shapes of the administrators' API: users, devices, audit records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.auth.models import Role
from server.auth.password_policy import MIN_LENGTH as PASSWORD_MIN_LENGTH

USERNAME = r"^[A-Za-z0-9._@-]{1,64}$"


class UserOut(BaseModel):
    """A staff account without its password hash."""

    username: str
    display_name: str
    role: Role
    active: bool
    sites: list[str] = Field(default_factory=list)  # where the role applies; empty for admins (global)


class UserIn(BaseModel):
    """A new staff account."""

    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=256)
    role: Role = Role.clerk
    display_name: str = Field(default="", max_length=80)
    sites: list[str] = Field(default_factory=list, max_length=200)


class UserChange(BaseModel):
    """Fields of a staff account to change; omitted ones stay."""

    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=PASSWORD_MIN_LENGTH, max_length=256)
    display_name: str | None = Field(default=None, max_length=80)
    sites: list[str] | None = Field(default=None, max_length=200)


class DeviceOut(BaseModel):
    """A device without its token hash."""

    id: str
    site: str
    kind: str
    active: bool
    last_seen: datetime | None


class RotatedToken(BaseModel):
    """A device's new token: shown this once, stored only as a hash."""

    device: str
    token: str


class AuditOut(BaseModel):
    """One audit record."""

    at: datetime
    actor: str
    action: str
    target: str
    site: str | None
    address: str
    detail: dict[str, Any]


class ClerkActionOut(BaseModel):
    """One ticket or counter event caused by staff."""

    seq: int
    at: datetime
    actor: str
    type: str
    counter: str | None
    ticket_id: int | None
    number: str | None
