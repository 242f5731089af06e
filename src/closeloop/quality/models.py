"""Service quality's tables (服务质量): surveys, invitations, responses; QA rubrics, samples,
reviews, disputes and coaching tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Survey(Base):
    """A survey campaign (调查活动): an instrument sent to a list or a sample of customers, or
    the standing automatic CSAT survey of one source (`callback`, `bot`)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instrument: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), default="campaign")
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyInvitation(Base):
    """One customer's personal invitation (邀请): the token of their link, when it expires, and
    what the answers are grouped by (region, segment, channel, station at the time)."""

    __tablename__ = "survey_invitations"
    __table_args__ = (Index("ix_survey_invitations_customer_created", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    msisdn: Mapped[str] = mapped_column(String(11))
    token: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notified: Mapped[bool] = mapped_column(default=False)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True
    )
    ticket_number: Mapped[str | None] = mapped_column(String(16), nullable=True)
    region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    segment: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    station: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SurveyResponse(Base):
    """A customer's answers to one invitation (答卷), and the follow-up ticket of a detractor."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, int]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    followup_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True
    )


class Rubric(Base):
    """A QA rubric version (质检评分表): items with weights adding up to 100, some fatal."""

    __tablename__ = "qa_rubrics"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QaSample(Base):
    """A QA sample (抽样): tickets per agent from a period, drawn with a seed."""

    __tablename__ = "qa_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("qa_rubrics.id"))
    period_from: Mapped[datetime] = mapped_column(UTCDateTime())
    period_to: Mapped[datetime] = mapped_column(UTCDateTime())
    per_agent: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QaSampleItem(Base):
    """One sampled ticket and the agent it is charged to, with its risk and why."""

    __tablename__ = "qa_sample_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("qa_samples.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    agent: Mapped[str] = mapped_column(String(64), index=True)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[str] = mapped_column(String(200), default="")


class QaReview(Base):
    """A reviewer's scores of a sampled ticket (质检评分); `kind` review, calibration or
    settlement (the second reviewer's verdict on a dispute)."""

    __tablename__ = "qa_reviews"
    __table_args__ = (Index("ix_qa_reviews_item_kind", "sample_item_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_item_id: Mapped[int] = mapped_column(
        ForeignKey("qa_sample_items.id", ondelete="CASCADE")
    )
    rubric_id: Mapped[int] = mapped_column(ForeignKey("qa_rubrics.id"))
    agent: Mapped[str] = mapped_column(String(64), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="review")
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    item_comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    total: Mapped[int] = mapped_column(Integer)
    # the total that counts: the settlement's once a dispute is settled
    final_total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class QaDispute(Base):
    """An agent's dispute of a review (申诉), once, settled by a second reviewer."""

    __tablename__ = "qa_disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("qa_reviews.id", ondelete="CASCADE"), unique=True
    )
    agent: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    settlement_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("qa_reviews.id", ondelete="SET NULL"), nullable=True
    )


class CoachingTask(Base):
    """A coaching task (辅导任务) for an agent whose quality score fell below the threshold."""

    __tablename__ = "qa_coaching_tasks"
    __table_args__ = (UniqueConstraint("agent", "period_from", "period_to"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    period_from: Mapped[datetime] = mapped_column(UTCDateTime())
    period_to: Mapped[datetime] = mapped_column(UTCDateTime())
    average: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MysteryVisit(Base):
    """A mystery shopper's visit or call (神秘顾客) to a store or channel, scored against a
    checklist (a rubric)."""

    __tablename__ = "qa_mystery_visits"
    __table_args__ = (Index("ix_qa_mystery_visits_place_at", "place", "visited_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("qa_rubrics.id"))
    place: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shopper: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
