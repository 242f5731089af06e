"""Watched social posts, the watch rules, and negative-volume bursts (舆情数据)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class OpinionPost(Base):
    """A social post that matched the watch rules, with what the classifier said about it."""

    __tablename__ = "opinion_posts"
    __table_args__ = (
        Index("ix_opinion_posts_posted_at", "posted_at"),
        Index("ix_opinion_posts_author_category", "author", "category"),
        Index("ix_opinion_posts_customer_posted", "customer_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sentiment: Mapped[str] = mapped_column(String(16), index=True)
    complaint: Mapped[bool] = mapped_column(Boolean)
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean)
    # the watch terms the post matched, separated by "|"
    matched: Mapped[str] = mapped_column(String(500), default="")
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # the customer the post is about: named by number, or its author's earlier post's
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True
    )
    reply_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    replied_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class WatchRule(Base):
    """One watch term (监测词): a brand, product or hotline to keep, or an exclusion."""

    __tablename__ = "opinion_watch_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OpinionBurst(Base):
    """A day whose negative posts of one category in one region were far above the usual."""

    __tablename__ = "opinion_bursts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # unique per (day, category, region): a burst is recorded once
    key: Mapped[str] = mapped_column(String(120), unique=True)
