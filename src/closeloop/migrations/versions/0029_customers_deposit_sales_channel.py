"""customers: deposit taken at sign-up and the sales channel (credit, issue #20)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("deposit", sa.Numeric(10, 2), nullable=True))
    op.add_column("customers", sa.Column("sales_channel", sa.String(32), nullable=True))
    op.create_index("ix_customers_sales_channel", "customers", ["sales_channel"])


def downgrade() -> None:
    op.drop_index("ix_customers_sales_channel", table_name="customers")
    # a plain ALTER (SQLite ≥ 3.35 and PostgreSQL): a batch copy of `customers` would trip the
    # foreign keys of every table that points at it
    op.execute("ALTER TABLE customers DROP COLUMN sales_channel")
    op.execute("ALTER TABLE customers DROP COLUMN deposit")
