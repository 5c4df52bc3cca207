"""counter location: room, floor and directions per language

Revision ID: 7c41d2e9a0b5
Revises: 0c051849650e
Create Date: 2026-12-01 09:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "7c41d2e9a0b5"
down_revision: str | None = "0c051849650e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("counter") as batch:
        batch.add_column(sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("counter") as batch:
        batch.drop_column("location")
