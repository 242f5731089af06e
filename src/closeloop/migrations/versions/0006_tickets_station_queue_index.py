"""station queue index

Revision ID: f26cb1b96b7d
Revises: fbaabb7a800c
Create Date: 2026-11-22 10:21:32.726374
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f26cb1b96b7d"
down_revision: str | None = "fbaabb7a800c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_station_due", ["station", "sort_due_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_station_due")
