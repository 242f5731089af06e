"""Problems (问题单), their linked tickets and alarms, their timeline; network alarms (告警)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Problem(Base):
    """One network fault seen as many complaints or alarms in one place: fixed once, every
    affected customer told. Area: a region and/or cells (JSON list); category: top level."""

    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_status_category", "status", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cell_ids: Mapped[str] = mapped_column(Text, default="[]")
    station: Mapped[str | None] = mapped_column(ForeignKey("stations.code"), nullable=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expected_restore_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cause_code: Mapped[str | None] = mapped_column(ForeignKey("causes.code"), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    # what detection saw: observed and expected tickets in the burst window, its p-value
    evidence: Mapped[str] = mapped_column(Text, default="")
    outage_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    article_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ProblemTicket(Base):
    """A customer ticket linked to a problem (parent/child: 主问题单/子工单)."""

    __tablename__ = "problem_tickets"
    __table_args__ = (Index("ix_problem_tickets_ticket", "ticket_id"),)

    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # how it joined: "creation" (new ticket while the problem was open), "burst", "manual"
    how: Mapped[str] = mapped_column(String(16))


class Alarm(Base):
    """A network alarm from a monitoring system, one row per (source, alarm id), raised and
    cleared (X.733 severities)."""

    __tablename__ = "problem_alarms"
    __table_args__ = (UniqueConstraint("source", "alarm_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    alarm_id: Mapped[str] = mapped_column(String(128))
    severity: Mapped[str] = mapped_column(String(16))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cell_ids: Mapped[str] = mapped_column(Text, default="[]")
    text: Mapped[str] = mapped_column(Text)
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("problems.id", ondelete="SET NULL"), nullable=True, index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProblemEvent(Base):
    """One step in a problem's timeline: who did what when, and a note."""

    __tablename__ = "problem_events"
    __table_args__ = (Index("ix_problem_events_problem", "problem_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
