"""billing bills: customers' monthly bills and payments (CONTRACT §10)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("amount_due", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("amount_paid", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_bills_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("customer_id", "period", name="uq_bills_customer_period"),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index("ix_bills_due_date", ["due_date"], unique=False)
        batch_op.create_index("ix_bills_period", ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index("ix_bills_period")
        batch_op.drop_index("ix_bills_due_date")
    op.drop_table("bills")
