"""site branding: colours, ticket footers and the logo per site

Revision ID: e4b7c2a91f03
Revises: 3c1e7a9b4d20
Create Date: 2026-12-01 12:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "e4b7c2a91f03"
down_revision: str | None = "3c1e7a9b4d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "sitebranding",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("background", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("footer", sa.JSON(), nullable=True),
        sa.Column("logo_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("logo_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.create_table(
        "sitelogo",
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=40), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("sitelogo")
    op.drop_table("sitebranding")
