"""tickets

Revision ID: 3290ab6361c6
Revises: b831fe8cfd9f
Create Date: 2026-11-22 08:46:21.148562
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3290ab6361c6"
down_revision: str | None = "b831fe8cfd9f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compensation_rules",
        sa.Column("ticket_type", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("ticket_type", "severity", name=op.f("pk_compensation_rules")),
    )
    op.create_table(
        "ticket_sequences",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ticket_sequences")),
    )
    op.create_table(
        "notification_optouts",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_notification_optouts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "rule", name=op.f("pk_notification_optouts")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=96), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("cell_id", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("station", sa.String(length=32), nullable=True),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("dispatched_by", sa.String(length=64), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accept_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("work_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prewarn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prewarned", sa.Boolean(), nullable=False),
        sa.Column("work_remaining_minutes", sa.Integer(), nullable=True),
        sa.Column("callback_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sort_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sla_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cause_code", sa.String(length=96), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.String(length=24), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("return_count", sa.Integer(), nullable=False),
        sa.Column("first_contact_resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["category"], ["categories.code"], name=op.f("fk_tickets_category_categories")
        ),
        sa.ForeignKeyConstraint(
            ["cause_code"], ["causes.code"], name=op.f("fk_tickets_cause_code_causes")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["station"], ["stations.code"], name=op.f("fk_tickets_station_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            "ix_tickets_customer", ["customer_id", "category", "status"], unique=False
        )
        batch_op.create_index("ix_tickets_queue", ["status", "sort_due_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_sla_next_at"), ["sla_next_at"], unique=False)
        batch_op.create_index(
            "ix_tickets_station_queue", ["station", "status", "sort_due_at", "id"], unique=False
        )

    op.create_table(
        "compensations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_compensations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_compensations_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensations")),
        sa.UniqueConstraint("ticket_id", "due_at", name=op.f("uq_compensations_ticket_id")),
    )
    with op.batch_alter_table("compensations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compensations_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_compensations_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_idempotency_keys_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("username", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("msisdn", sa.String(length=11), nullable=True),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_notifications_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_notifications_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index("ix_notifications_msisdn_rule", ["msisdn", "rule"], unique=False)
        batch_op.create_index(
            "ix_notifications_status_send_after", ["status", "send_after"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notifications_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticket_breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_breaches_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_breaches")),
        sa.UniqueConstraint(
            "ticket_id", "stage", "due_at", name=op.f("uq_ticket_breaches_ticket_id")
        ),
    )
    with op.batch_alter_table("ticket_breaches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_breaches_detected_at"), ["detected_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ticket_breaches_station"), ["station"], unique=False)

    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("charged_to", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_events_station"), ["station"], unique=False)
        batch_op.create_index("ix_ticket_events_ticket", ["ticket_id", "id"], unique=False)

    op.create_table(
        "ticket_station_visits",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["station"], ["stations.code"], name=op.f("fk_ticket_station_visits_station_stations")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_station_visits_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "station", name=op.f("pk_ticket_station_visits")),
    )
    with op.batch_alter_table("ticket_station_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_station_visits_station", ["station", "ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_station_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_station_visits_station")

    op.drop_table("ticket_station_visits")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_events_ticket")
        batch_op.drop_index(batch_op.f("ix_ticket_events_station"))
        batch_op.drop_index(batch_op.f("ix_ticket_events_at"))

    op.drop_table("ticket_events")
    with op.batch_alter_table("ticket_breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_breaches_station"))
        batch_op.drop_index(batch_op.f("ix_ticket_breaches_detected_at"))

    op.drop_table("ticket_breaches")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_ticket_id"))
        batch_op.drop_index("ix_notifications_status_send_after")
        batch_op.drop_index("ix_notifications_msisdn_rule")
        batch_op.drop_index(batch_op.f("ix_notifications_created_at"))

    op.drop_table("notifications")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("compensations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compensations_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_compensations_status"))

    op.drop_table("compensations")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_station_queue")
        batch_op.drop_index(batch_op.f("ix_tickets_sla_next_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_region"))
        batch_op.drop_index("ix_tickets_queue")
        batch_op.drop_index("ix_tickets_customer")
        batch_op.drop_index(batch_op.f("ix_tickets_created_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_category"))

    op.drop_table("tickets")
    op.drop_table("notification_optouts")
    op.drop_table("ticket_sequences")
    op.drop_table("compensation_rules")
