"""value tiers that change the service: customers.value_tier, tier changes, ticket priority

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_tier", sa.String(length=16), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "customer_tier_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_tier", sa.String(length=16), nullable=True),
        sa.Column("to_tier", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_tier_changes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_tier_changes")),
    )
    with op.batch_alter_table("customer_tier_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_tier_changes_customer_at", ["customer_id", "at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("customer_tier_changes")
    # plain ALTERs (SQLite ≥ 3.35 and PostgreSQL): a batch copy of a table others point at
    # would trip their foreign keys
    op.execute("ALTER TABLE tickets DROP COLUMN priority")
    op.execute("ALTER TABLE customers DROP COLUMN value_tier")
