"""kpis: an index of ticket history entries by ticket, action and id, so the KPI facts' "the
latest dispatch before this entry" and "dispatched before" lookups read the index alone
(rebuilding the rollups over millions of tickets)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 22:55:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ticket_events_ticket_action", "ticket_events", ["ticket_id", "action", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_events_ticket_action", table_name="ticket_events")
