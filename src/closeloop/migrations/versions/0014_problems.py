"""problems: problem management (问题单), network alarms, tickets held by a problem

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("cell_ids", sa.Text(), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=True),
        sa.Column("detected_at", _AT, nullable=False),
        sa.Column("expected_restore_at", _AT, nullable=True),
        sa.Column("cause_code", sa.String(length=96), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.Column("resolved_at", _AT, nullable=True),
        sa.Column("closed_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["station"], ["stations.code"], name=op.f("fk_problems_station_stations")
        ),
        sa.ForeignKeyConstraint(
            ["cause_code"], ["causes.code"], name=op.f("fk_problems_cause_code_causes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
        sa.UniqueConstraint("number", name=op.f("uq_problems_number")),
    )
    op.create_index("ix_problems_status_category", "problems", ["status", "category"])
    op.create_index(op.f("ix_problems_detected_at"), "problems", ["detected_at"])
    op.create_table(
        "problem_tickets",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", _AT, nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], ondelete="CASCADE",
            name=op.f("fk_problem_tickets_problem_id_problems"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], ondelete="CASCADE",
            name=op.f("fk_problem_tickets_ticket_id_tickets"),
        ),
        sa.PrimaryKeyConstraint("problem_id", "ticket_id", name=op.f("pk_problem_tickets")),
    )  # fmt: skip
    op.create_index("ix_problem_tickets_ticket", "problem_tickets", ["ticket_id"])
    op.create_table(
        "problem_alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("alarm_id", sa.String(length=128), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("raised_at", _AT, nullable=False),
        sa.Column("cleared_at", _AT, nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("cell_ids", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("received_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], ondelete="SET NULL",
            name=op.f("fk_problem_alarms_problem_id_problems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_alarms")),
        sa.UniqueConstraint("source", "alarm_id", name=op.f("uq_problem_alarms_source")),
    )  # fmt: skip
    op.create_index(op.f("ix_problem_alarms_cleared_at"), "problem_alarms", ["cleared_at"])
    op.create_index(op.f("ix_problem_alarms_problem_id"), "problem_alarms", ["problem_id"])
    op.create_table(
        "problem_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("at", _AT, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problems.id"],
            ondelete="CASCADE",
            name=op.f("fk_problem_events_problem_id_problems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_events")),
    )
    op.create_index("ix_problem_events_problem", "problem_events", ["problem_id", "id"])
    op.add_column("tickets", sa.Column("held_by", sa.String(length=24), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN, not a batch rebuild: on SQLite a rebuild drops the old table,
    # and with foreign keys on the drop cascades to every table that refers to tickets.
    op.drop_column("tickets", "held_by")
    op.drop_table("problem_events")
    op.drop_table("problem_alarms")
    op.drop_table("problem_tickets")
    op.drop_table("problems")
