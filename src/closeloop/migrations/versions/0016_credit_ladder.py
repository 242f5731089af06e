"""credit: profiles, ladder actions, disputes, policy versions, credit timeline (CONTRACT §11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _customer_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["customer_id"],
        ["customers.id"],
        name=op.f(f"fk_{table}_customer_id_customers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "credit_profiles",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("credit_limit", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("rewarded", sa.Boolean(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("step_period", sa.String(length=7), nullable=True),
        sa.Column("line_status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _customer_fk("credit_profiles"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_credit_profiles")),
    )
    op.create_index("ix_credit_profiles_step", "credit_profiles", ["step"], unique=False)
    op.create_table(
        "credit_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrears", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("recovered_at", sa.DateTime(timezone=True), nullable=True),
        _customer_fk("credit_actions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_actions")),
        sa.UniqueConstraint("customer_id", "period", "step", name="uq_credit_actions_bill_step"),
    )
    op.create_index("ix_credit_actions_taken_at", "credit_actions", ["taken_at"], unique=False)
    op.create_table(
        "credit_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        _customer_fk("credit_disputes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_disputes")),
    )
    op.create_index(
        "ix_credit_disputes_customer", "credit_disputes", ["customer_id", "period"], unique=False
    )
    op.create_index(
        op.f("ix_credit_disputes_ticket_id"), "credit_disputes", ["ticket_id"], unique=False
    )
    op.create_table(
        "credit_policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_policy_versions")),
    )
    op.create_table(
        "credit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        _customer_fk("credit_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_events")),
    )
    op.create_index(
        "ix_credit_events_customer_at", "credit_events", ["customer_id", "at"], unique=False
    )


def downgrade() -> None:
    for table in (
        "credit_events",
        "credit_policy_versions",
        "credit_disputes",
        "credit_actions",
        "credit_profiles",
    ):
        op.drop_table(table)
