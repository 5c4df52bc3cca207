"""staff per site, counter keys per site, express counters, pauses with an end, unserved services

Revision ID: b02d2c0678c7
Revises: 5f2c1a9d7e44
Create Date: 2026-12-01 09:39:50.709728
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "b02d2c0678c7"
down_revision: str | None = "5f2c1a9d7e44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
    # Plain ADD COLUMNs (no table rebuild on SQLite); the server defaults fill existing rows.
    op.add_column(
        "counter", sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default="")
    )
    op.add_column("counter", sa.Column("express", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("counter", sa.Column("paused_until", server.db_types.UTCDateTime(timezone=True), nullable=True))
    # Existing counters were unique across the installation: their id is their key within their site.
    op.execute("UPDATE counter SET key = id")
    op.create_index("uq_counter_site_key", "counter", ["site_id", "key"], unique=True)
    op.add_column("site", sa.Column("issue_when_unserved", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("site", sa.Column("express_takes_others_at", sa.Float(), nullable=False, server_default="0.8"))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("express_takes_others_at")
        batch_op.drop_column("issue_when_unserved")
    op.drop_index("uq_counter_site_key", table_name="counter")
    with op.batch_alter_table("counter", schema=None) as batch_op:
        batch_op.drop_column("paused_until")
        batch_op.drop_column("express")
        batch_op.drop_column("key")
    op.drop_table("sitegrant")
