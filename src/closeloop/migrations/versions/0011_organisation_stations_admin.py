"""organisation stations admin: retired stations, English names and retired taxonomy nodes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 11:08:02.113895
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ALTER TABLE … ADD/DROP COLUMN, never a batch rebuild: tickets, users and the
# taxonomies themselves refer to these tables.


def upgrade() -> None:
    for table in ("categories", "causes"):
        op.add_column(table, sa.Column("name_en", sa.String(length=128), nullable=True))
    for table in ("categories", "causes", "stations"):
        op.add_column(
            table,
            sa.Column("retired_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True),
        )


def downgrade() -> None:
    for table in ("stations", "causes", "categories"):
        op.drop_column(table, "retired_at")
    for table in ("causes", "categories"):
        op.drop_column(table, "name_en")
