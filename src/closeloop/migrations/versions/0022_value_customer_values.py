"""value: customers' value pictures, lifecycle months, churn models, retention tasks (§10)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
# the bills of 0013 (billing) are what the value domain reads
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _customer(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["customer_id"],
        ["customers.id"],
        name=op.f(f"fk_{table}_customer_id_customers"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "customer_values",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("groups", sa.String(length=120), nullable=False),
        sa.Column("r", sa.Integer(), nullable=False),
        sa.Column("f", sa.Integer(), nullable=False),
        sa.Column("m", sa.Integer(), nullable=False),
        sa.Column("monthly_spend", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("clv", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=16), nullable=False),
        sa.Column("churn_risk", sa.Float(), nullable=False),
        sa.Column("churn_factors", sa.JSON(), nullable=False),
        sa.Column("expected_value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        _customer("customer_values"),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_values")),
    )
    with op.batch_alter_table("customer_values", schema=None) as batch_op:
        batch_op.create_index("ix_customer_values_segment", ["segment"], unique=False)
        batch_op.create_index("ix_customer_values_retention", ["expected_value"], unique=False)
    op.create_table(
        "customer_stage_months",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        _customer("customer_stage_months"),
        sa.PrimaryKeyConstraint("customer_id", "period", name=op.f("pk_customer_stage_months")),
    )
    op.create_table(
        "churn_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("auc", sa.Float(), nullable=True),
        sa.Column("brier", sa.Float(), nullable=True),
        sa.Column("base_rate", sa.Float(), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_churn_models")),
    )
    op.create_table(
        "retention_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("churn_risk", sa.Float(), nullable=False),
        sa.Column("clv", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("expected_value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_by", sa.String(length=64), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _customer("retention_tasks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_tasks")),
    )
    with op.batch_alter_table("retention_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retention_tasks_status", ["status", "expected_value"], unique=False
        )


def downgrade() -> None:
    op.drop_table("retention_tasks")
    op.drop_table("churn_models")
    op.drop_table("customer_stage_months")
    op.drop_table("customer_values")
