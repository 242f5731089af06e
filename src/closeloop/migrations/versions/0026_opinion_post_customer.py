"""opinion: a post's customer (the one it names by number, or its author's earlier post's)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 20:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("opinion_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_opinion_posts_customer_id_customers"),
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_opinion_posts_customer_posted", ["customer_id", "posted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opinion_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_posts_customer_posted")
        batch_op.drop_constraint(
            batch_op.f("fk_opinion_posts_customer_id_customers"), type_="foreignkey"
        )
        batch_op.drop_column("customer_id")
