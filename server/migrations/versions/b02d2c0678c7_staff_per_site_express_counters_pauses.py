"""staff per site, counter keys per site, express counters, pauses with an end, unserved services

Revision ID: b02d2c0678c7
Revises: da0ba0615db2
Create Date: 2026-12-01 09:39:50.709728
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "b02d2c0678c7"
down_revision: str | None = "da0ba0615db2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LONG_COUNTER_ID = sqlmodel.sql.sqltypes.AutoString(length=82)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "sitegrant",
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["clerk_id"], ["clerk.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("clerk_id", "site_id"),
    )
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("express", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("paused_until", server.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column("id", existing_type=sa.VARCHAR(length=40), type_=LONG_COUNTER_ID, existing_nullable=False)
    # Existing counters were unique across the installation: their id is their key within their site.
    op.execute("UPDATE counter SET key = id")
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.alter_column("key", server_default=None)
        batch_op.alter_column("express", server_default=None)
        batch_op.create_unique_constraint("uq_counter_site_key", ["site_id", "key"])
    for table, nullable in (("counterservice", False), ("eventrecord", True), ("ticket", True)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "counter_id", existing_type=sa.VARCHAR(length=40), type_=LONG_COUNTER_ID, existing_nullable=nullable
            )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issue_when_unserved", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("express_takes_others_at", sa.Float(), nullable=False, server_default="0.8"))
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.alter_column("issue_when_unserved", server_default=None)
        batch_op.alter_column("express_takes_others_at", server_default=None)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("express_takes_others_at")
        batch_op.drop_column("issue_when_unserved")
    for table, nullable in (("ticket", True), ("eventrecord", True), ("counterservice", False)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "counter_id", existing_type=LONG_COUNTER_ID, type_=sa.VARCHAR(length=40), existing_nullable=nullable
            )
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.drop_constraint("uq_counter_site_key", type_="unique")
        batch_op.alter_column("id", existing_type=LONG_COUNTER_ID, type_=sa.VARCHAR(length=40), existing_nullable=False)
        batch_op.drop_column("paused_until")
        batch_op.drop_column("express")
        batch_op.drop_column("key")
    op.drop_table("sitegrant")
