"""kpis: contacts' handling time (ended_at, duration_seconds) for AHT; KPI targets with
versions, day rollups, scorecard weights and report recipients

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column("ended_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("duration_seconds", sa.Integer(), nullable=True))
    op.create_table(
        "kpi_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_targets")),
    )
    op.create_index("ix_kpi_targets_code", "kpi_targets", ["code"])
    op.create_table(
        "kpi_rollups",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=False),
        sa.Column("denominator", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("code", "dim", "day", "key", name=op.f("pk_kpi_rollups")),
    )
    op.create_table(
        "kpi_scorecard_weights",
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("perspective", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("unit", "code", name=op.f("pk_kpi_scorecard_weights")),
    )
    op.create_table(
        "kpi_report_recipients",
        sa.Column("report", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("report", "address", name=op.f("pk_kpi_report_recipients")),
    )


def downgrade() -> None:
    op.drop_table("kpi_report_recipients")
    op.drop_table("kpi_scorecard_weights")
    op.drop_table("kpi_rollups")
    op.drop_index("ix_kpi_targets_code", table_name="kpi_targets")
    op.drop_table("kpi_targets")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("duration_seconds")
        batch.drop_column("ended_at")
