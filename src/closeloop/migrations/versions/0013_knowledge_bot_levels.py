"""knowledge bot levels: the bot's confidence on out-of-scope messages per set of live articles

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_bot_levels",
        sa.Column("key", sa.String(length=40), primary_key=True),
        sa.Column("answer", sa.Float(), nullable=False),
        sa.Column("either", sa.Float(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("measured_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_kb_bot_levels_measured_at", "kb_bot_levels", ["measured_at"])


def downgrade() -> None:
    op.drop_index("ix_kb_bot_levels_measured_at", table_name="kb_bot_levels")
    op.drop_table("kb_bot_levels")
