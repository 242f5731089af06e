"""kpis: contacts' handling time (ended_at, duration_seconds) for AHT

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-07 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column("ended_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("duration_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("duration_seconds")
        batch.drop_column("ended_at")
