"""day controls: service closures and quotas for one day, site notices

Revision ID: d4c7e1a2b9f3
Revises: 5f2b8d4e6a17
Create Date: 2026-12-01 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "d4c7e1a2b9f3"
down_revision: str | None = "5f2b8d4e6a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "servicedaycontrol",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("message", sa.JSON(), nullable=True),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("updated_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(["service_pk"], ["service.pk"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("site_id", "service_pk", "business_day"),
    )
    op.create_table(
        "sitenotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=True),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sitenotice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sitenotice_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sitenotice_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("sitenotice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sitenotice_site_id"))
        batch_op.drop_index(batch_op.f("ix_sitenotice_expires_at"))
    op.drop_table("sitenotice")
    op.drop_table("servicedaycontrol")
