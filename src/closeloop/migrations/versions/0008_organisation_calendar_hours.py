"""organisation calendar hours and schedules

Revision ID: 0008
Revises: 3c1d2e5f7a90
Create Date: 2026-12-07 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0008"
down_revision: str | None = "3c1d2e5f7a90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_hours",
        sa.Column("calendar_code", sa.String(length=32), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_code"],
            ["business_calendars.code"],
            name=op.f("fk_calendar_hours_calendar_code_business_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "calendar_code", "weekday", "start", name=op.f("pk_calendar_hours")
        ),
    )
    op.create_table(
        "calendar_schedules",
        sa.Column("calendar_code", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("loaded_at", closeloop.db.base.UTCDateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_code"],
            ["business_calendars.code"],
            name=op.f("fk_calendar_schedules_calendar_code_business_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("calendar_code", "year", name=op.f("pk_calendar_schedules")),
    )


def downgrade() -> None:
    op.drop_table("calendar_schedules")
    op.drop_table("calendar_hours")
