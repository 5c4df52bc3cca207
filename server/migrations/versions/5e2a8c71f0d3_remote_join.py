"""joining the queue from a phone: ticket channel, remote tickets, per-site settings, remote expiries at closing

Revision ID: 5e2a8c71f0d3
Revises: d4c7e1a2b9f3
Create Date: 2026-12-01 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "5e2a8c71f0d3"
down_revision: str | None = "d4c7e1a2b9f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), server_default="kiosk", nullable=False))
    with op.batch_alter_table("dayclosure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expired_remote", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "remotejoinpolicy",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("config", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "remoteticket",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("come_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("moved_back", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_pk"], ["service.pk"]),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
        sa.UniqueConstraint("site_id", "business_day", "code", name="uq_remote_code"),
    )
    with op.batch_alter_table("remoteticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remoteticket_business_day"), ["business_day"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("remoteticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remoteticket_business_day"))
    op.drop_table("remoteticket")
    op.drop_table("remotejoinpolicy")
    with op.batch_alter_table("dayclosure", schema=None) as batch_op:
        batch_op.drop_column("expired_remote")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("channel")
