"""Persistence of a site's branding; the logo's bytes sit in a table of their own, read only when served."""

from __future__ import annotations

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel


class SiteBranding(SQLModel, table=True):
    """The colours, footer texts and logo facts of one site; no row means Aufruf's own look."""

    site_id: str = Field(primary_key=True, foreign_key="site.id", max_length=40)
    background: str = Field(max_length=7)
    text: str = Field(max_length=7)
    footer: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    logo_type: str | None = Field(default=None, max_length=40)
    logo_sha256: str | None = Field(default=None, max_length=64)


class SiteLogo(SQLModel, table=True):
    """A site's logo file as the office file named it (PNG or SVG)."""

    site_id: str = Field(primary_key=True, foreign_key="site.id", max_length=40)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
