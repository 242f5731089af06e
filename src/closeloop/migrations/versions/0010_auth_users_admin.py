"""auth users admin

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:09:24.086982
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "permissions",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_permissions")),
    )
    op.create_table(
        "offered_grants",
        sa.Column("role_code", sa.String(length=32), nullable=False),
        sa.Column("permission", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_code"],
            ["roles.code"],
            name=op.f("fk_offered_grants_role_code_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role_code", "permission", name=op.f("pk_offered_grants")),
    )
    # Every migration so far granted all defaults again, so what a role holds now is what has
    # been offered: from here on only defaults never offered are added.
    op.execute(
        "INSERT INTO offered_grants (role_code, permission) "
        "SELECT role_code, permission FROM role_permissions"
    )
    # ALTER TABLE … ADD COLUMN, not a batch rebuild: other tables refer to users.
    op.add_column("users", sa.Column("last_sign_in_at", closeloop.db.base.UTCDateTime()))
    op.add_column(
        "users", sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("users", sa.Column("last_failed_sign_in_at", closeloop.db.base.UTCDateTime()))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN, not a batch rebuild: on SQLite that drops the old table, and
    # with foreign keys on, the drop cascades to every table that refers to users.
    op.drop_column("users", "last_failed_sign_in_at")
    op.drop_column("users", "failed_sign_ins")
    op.drop_column("users", "last_sign_in_at")
    op.drop_table("offered_grants")
    op.drop_table("permissions")
