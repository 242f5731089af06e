"""ticket breach count

Revision ID: 3c1d2e5f7a90
Revises: f26cb1b96b7d
Create Date: 2026-11-22 14:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c1d2e5f7a90"
down_revision: str | None = "f26cb1b96b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("breach_count", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE tickets SET breach_count = "
        "(SELECT count(*) FROM ticket_breaches WHERE ticket_breaches.ticket_id = tickets.id) "
        "WHERE id IN (SELECT ticket_id FROM ticket_breaches)"
    )


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN, not a batch rebuild: on SQLite that drops the old table, and
    # with foreign keys on, the drop cascades to every table that refers to tickets.
    op.drop_column("tickets", "breach_count")
