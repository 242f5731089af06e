"""channels: live chats and their messages, phone calls, public endpoint hits

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "live_chats",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msisdn", sa.String(length=20), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=True),
        _at("queued_at"),
        _at("taken_at", True),
        _at("closed_at", True),
        sa.Column("customer_read", sa.Integer(), nullable=False),
        sa.Column("agent_read", sa.Integer(), nullable=False),
        _at("customer_typing_at", True),
        _at("agent_typing_at", True),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_live_chats")),
    )
    op.create_index("ix_live_chats_status_queued", "live_chats", ["status", "queued_at"])
    op.create_index("ix_live_chats_agent_status", "live_chats", ["agent", "status"])
    op.create_index("ix_live_chats_customer", "live_chats", ["customer_id"])
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        _at("at"),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    op.create_index("ix_chat_messages_session_id", "chat_messages", ["session_id", "id"])
    op.create_table(
        "phone_calls",
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("caller", sa.String(length=20), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _at("ringing_at", True),
        _at("answered_at", True),
        _at("ended_at", True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_phone_calls")),
    )
    op.create_index("ix_phone_calls_agent_status", "phone_calls", ["agent", "status"])
    op.create_table(
        "channel_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_hits")),
    )
    op.create_index("ix_channel_hits_subject", "channel_hits", ["subject", "at"])


def downgrade() -> None:
    for table in ("channel_hits", "phone_calls", "chat_messages", "live_chats"):
        op.drop_table(table)
