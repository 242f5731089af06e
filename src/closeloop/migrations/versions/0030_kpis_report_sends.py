"""kpis: the record of monthly and quarterly reports mailed (which period, to whom, when), so a
scheduled report is sent once however many workers run

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_report_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("schedule_key", sa.String(length=16), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_report_sends")),
        sa.UniqueConstraint("schedule_key", name=op.f("uq_kpi_report_sends_schedule_key")),
    )


def downgrade() -> None:
    op.drop_table("kpi_report_sends")
