"""staff single sign-on: where an account's identity is checked, and sign-ins under way

Revision ID: 5f2b8d4e6a17
Revises: e4b7c2a91f03
Create Date: 2026-12-01 12:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db_types

revision: str = "5f2b8d4e6a17"
down_revision: str | None = "e4b7c2a91f03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("clerk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=48), server_default="local", nullable=False))
    op.create_table(
        "sso_login",
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("redirect_uri", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("code_verifier", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("created_at", server.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", server.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("state"),
        sa.UniqueConstraint("nonce"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("sso_login")
    with op.batch_alter_table("clerk", schema=None) as batch_op:
        batch_op.drop_column("source")
