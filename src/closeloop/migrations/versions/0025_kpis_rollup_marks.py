"""kpis: marks of incomplete day rollups (history older than the rollups: values for those days
are recomputed exactly until `closeloop report rebuild`); AHT and bot containment now rolled up

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The KPIs whose day rollups start now, and the table whose rows mean there is older history.
NEWLY_ROLLED = {"aht": "contacts", "bot_containment": "kb_chat_sessions"}
# The ticket KPIs rolled up since 0019: marked when tickets exist but no rollup was ever built.
TICKET_ROLLED = ("fcr", "complaints_per_10k", "asa", "resolution_rate", "preprocessing_rate",
                 "misroute_rate", "reopen_rate", "callback_satisfaction", "sla_attainment",
                 "avg_resolution_hours", "one_time_satisfaction", "overtime_rate")  # fmt: skip
MARK = (
    "INSERT INTO kpi_rollup_marks (code, exact_before) "
    "SELECT :code, CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM {table}){more}"
)


def upgrade() -> None:
    op.create_table(
        "kpi_rollup_marks",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("exact_before", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_kpi_rollup_marks")),
    )
    # rollups are kept from now on: older days are recomputed exactly until a rebuild
    for code, table in NEWLY_ROLLED.items():
        op.execute(sa.text(MARK.format(table=table, more="")).bindparams(code=code))
    never_built = " AND NOT EXISTS (SELECT 1 FROM kpi_rollups)"
    for code in TICKET_ROLLED:
        op.execute(sa.text(MARK.format(table="tickets", more=never_built)).bindparams(code=code))


def downgrade() -> None:
    op.drop_table("kpi_rollup_marks")
