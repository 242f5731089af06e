"""workforce foundation: interval volumes, agents' states, roster shifts, load alerts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "wfm_interval_volumes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("interval_start", UTC, nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("aht_seconds", sa.Float(), nullable=True),
        sa.Column("imported_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_interval_volumes")),
        sa.UniqueConstraint(
            "channel",
            "interval_start",
            "interval_minutes",
            name=op.f("uq_wfm_interval_volumes_channel"),
        ),
    )
    op.create_table(
        "wfm_agent_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_agent_states")),
    )
    op.create_index(
        "ix_wfm_agent_states_agent_started", "wfm_agent_states", ["agent", "started_at"]
    )
    op.create_index("ix_wfm_agent_states_started", "wfm_agent_states", ["started_at"])
    op.create_table(
        "wfm_roster_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=32), nullable=False),
        sa.Column("skill", sa.String(length=16), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("break_starts_at", UTC, nullable=True),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("published_at", UTC, nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_roster_shifts")),
        sa.UniqueConstraint("agent", "day", name=op.f("uq_wfm_roster_shifts_agent")),
    )
    op.create_index("ix_wfm_roster_shifts_day", "wfm_roster_shifts", ["day"])
    op.create_table(
        "wfm_load_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("interval_start", UTC, nullable=False),
        sa.Column("raised_at", UTC, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("actual", sa.Float(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("required_agents", sa.Integer(), nullable=False),
        sa.Column("signed_in_agents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wfm_load_alerts")),
        sa.UniqueConstraint("channel", "interval_start", name=op.f("uq_wfm_load_alerts_channel")),
    )


def downgrade() -> None:
    op.drop_table("wfm_load_alerts")
    op.drop_index("ix_wfm_roster_shifts_day", table_name="wfm_roster_shifts")
    op.drop_table("wfm_roster_shifts")
    op.drop_index("ix_wfm_agent_states_started", table_name="wfm_agent_states")
    op.drop_index("ix_wfm_agent_states_agent_started", table_name="wfm_agent_states")
    op.drop_table("wfm_agent_states")
    op.drop_table("wfm_interval_volumes")
