"""organisation station name_en: a station's English name, shown in the English console

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stations", sa.Column("name_en", sa.String(length=128), nullable=True))


def downgrade() -> None:
    op.drop_column("stations", "name_en")
