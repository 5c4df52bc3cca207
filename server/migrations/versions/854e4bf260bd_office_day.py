"""office day: day closures, counter sessions, called_from

Revision ID: 854e4bf260bd
Revises: b02d2c0678c7
Create Date: 2026-12-01 09:32:06.983014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "854e4bf260bd"
down_revision: str | None = "b02d2c0678c7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""

    op.create_table(
        "dayclosure",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("closed_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("site_id", "business_day"),
    )
    op.create_table(
        "countersession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("workstation", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("opened_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["clerk_id"],
            ["clerk.id"],
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("countersession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_countersession_clerk_id"), ["clerk_id"], unique=False)
        batch_op.create_index(
            "uq_countersession_open", ["site_id", "counter_id"], unique=True,
            sqlite_where=sa.text("closed_at IS NULL"), postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_countersession_site_id"), ["site_id"], unique=False)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("called_from", sa.String(length=16), nullable=True))




def downgrade() -> None:
    """Revert this revision."""

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("called_from")

    with op.batch_alter_table("countersession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_countersession_site_id"))
        batch_op.drop_index("uq_countersession_open")
        batch_op.drop_index(batch_op.f("ix_countersession_clerk_id"))

    op.drop_table("countersession")
    op.drop_table("dayclosure")

