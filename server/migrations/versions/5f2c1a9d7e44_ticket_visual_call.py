"""ticket visual call

Revision ID: 5f2c1a9d7e44
Revises: da0ba0615db2
Create Date: 2026-12-01 09:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5f2c1a9d7e44"
down_revision: str | None = "da0ba0615db2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        # Tickets issued before this column existed were drawn without the option.
        batch_op.add_column(sa.Column("visual_call", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("visual_call")
