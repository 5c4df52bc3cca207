"""Persistence of OpenID Connect sign-ins under way, so a state, code or nonce works exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from server.db_types import UTCDateTime


class SsoLogin(SQLModel, table=True):
    """One authorization request sent to a provider, consumed by its callback."""

    __tablename__ = "sso_login"

    state: str = Field(primary_key=True, max_length=64)
    provider: str = Field(max_length=40)
    nonce: str = Field(unique=True, max_length=64)
    redirect_uri: str = Field(max_length=300)
    # The PKCE verifier when the server holds it (browser flow); None when the app keeps its own.
    code_verifier: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
