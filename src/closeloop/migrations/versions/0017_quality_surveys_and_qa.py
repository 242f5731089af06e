"""quality surveys and qa: survey campaigns, invitations and responses; QA rubrics,
samples, reviews, disputes and coaching tasks

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:36:01.254710
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import closeloop.db.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "qa_coaching_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("period_from", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_to", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("average", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_coaching_tasks")),
        sa.UniqueConstraint(
            "agent", "period_from", "period_to", name=op.f("uq_qa_coaching_tasks_agent")
        ),
    )
    op.create_table(
        "qa_rubrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_rubrics")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_qa_rubrics_code")),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    op.create_table(
        "qa_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.Column("period_from", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_to", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("per_agent", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["qa_rubrics.id"], name=op.f("fk_qa_samples_rubric_id_qa_rubrics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_samples")),
    )
    op.create_table(
        "qa_sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["qa_samples.id"],
            name=op.f("fk_qa_sample_items_sample_id_qa_samples"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_qa_sample_items_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_sample_items")),
    )
    with op.batch_alter_table("qa_sample_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_sample_items_agent"), ["agent"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_qa_sample_items_sample_id"), ["sample_id"], unique=False
        )

    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("msisdn", sa.String(length=11), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_number", sa.String(length=16), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("segment", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("station", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_invitations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_invitations_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_survey_invitations_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitations")),
        sa.UniqueConstraint("token", name=op.f("uq_survey_invitations_token")),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_invitations_customer_created", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_invitations_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_item_id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("item_comments", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("final_total", sa.Integer(), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["qa_rubrics.id"], name=op.f("fk_qa_reviews_rubric_id_qa_rubrics")
        ),
        sa.ForeignKeyConstraint(
            ["sample_item_id"],
            ["qa_sample_items.id"],
            name=op.f("fk_qa_reviews_sample_item_id_qa_sample_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_reviews")),
    )
    with op.batch_alter_table("qa_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_reviews_agent"), ["agent"], unique=False)
        batch_op.create_index(batch_op.f("ix_qa_reviews_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_qa_reviews_item_kind", ["sample_item_id", "kind"], unique=False)

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("followup_ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["followup_ticket_id"],
            ["tickets.id"],
            name=op.f("fk_survey_responses_followup_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["survey_invitations.id"],
            name=op.f("fk_survey_responses_invitation_id_survey_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_survey_responses_invitation_id")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "qa_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.String(length=64), nullable=True),
        sa.Column("settled_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("settlement_review_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["qa_reviews.id"],
            name=op.f("fk_qa_disputes_review_id_qa_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["settlement_review_id"],
            ["qa_reviews.id"],
            name=op.f("fk_qa_disputes_settlement_review_id_qa_reviews"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_disputes")),
        sa.UniqueConstraint("review_id", name=op.f("uq_qa_disputes_review_id")),
    )

    op.create_table(
        "qa_mystery_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("visited_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shopper", sa.String(length=64), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", closeloop.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["qa_rubrics.id"], name=op.f("fk_qa_mystery_visits_rubric_id_qa_rubrics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_mystery_visits")),
    )
    with op.batch_alter_table("qa_mystery_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_qa_mystery_visits_place_at", ["place", "visited_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("qa_mystery_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_mystery_visits_place_at")

    op.drop_table("qa_mystery_visits")
    op.drop_table("qa_disputes")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_created_at"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("qa_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_reviews_item_kind")
        batch_op.drop_index(batch_op.f("ix_qa_reviews_created_at"))
        batch_op.drop_index(batch_op.f("ix_qa_reviews_agent"))

    op.drop_table("qa_reviews")
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_invitations_survey_id"))
        batch_op.drop_index("ix_survey_invitations_customer_created")

    op.drop_table("survey_invitations")
    with op.batch_alter_table("qa_sample_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_sample_items_sample_id"))
        batch_op.drop_index(batch_op.f("ix_qa_sample_items_agent"))

    op.drop_table("qa_sample_items")
    op.drop_table("qa_samples")
    op.drop_table("surveys")
    op.drop_table("qa_rubrics")
    op.drop_table("qa_coaching_tasks")
