"""leased numbers counted down from the top, offline tickets counted for the quota

Revision ID: 3c1e7a9b4d20
Revises: 7c41d2e9a0b5
Create Date: 2026-12-01 09:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c1e7a9b4d20"
down_revision: str | None = "7c41d2e9a0b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("numbersequence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("offline_issued", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("numbersequence", schema=None) as batch_op:
        batch_op.drop_column("offline_issued")
        batch_op.drop_column("leased")
