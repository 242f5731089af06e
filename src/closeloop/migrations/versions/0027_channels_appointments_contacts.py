"""channels: a technician's visit window on tickets; contacts answered and linked to a ticket

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("appointment_start", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("appointment_end", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("answered_by", sa.String(length=64), nullable=True))
        batch.create_index("ix_contacts_channel_answered", ["channel", "answered_at"])


def downgrade() -> None:
    # plain ALTERs (SQLite ≥ 3.35 and PostgreSQL): a batch copy of a table others point at
    # would trip their foreign keys
    op.drop_index("ix_contacts_channel_answered", table_name="contacts")
    for column in ("answered_by", "answered_at", "ticket_id"):
        op.execute(f"ALTER TABLE contacts DROP COLUMN {column}")
    for column in ("appointment_end", "appointment_start"):
        op.execute(f"ALTER TABLE tickets DROP COLUMN {column}")
