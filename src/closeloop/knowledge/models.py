"""Knowledge articles (知识条目), their published versions, usage, embeddings and bot sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Article(Base):
    """A knowledge article: the working copy an editor changes, and which version is live.

    `status` is the state of the working copy (draft, review, approved, published, retired);
    `live_version` names the published snapshot that search and the bot serve, so a published
    article keeps answering while its next revision is drafted and reviewed.
    """

    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(96), index=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    similar_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    script: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    live_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shown_count: Mapped[int] = mapped_column(Integer, default=0)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    helpful_agent: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful_agent: Mapped[int] = mapped_column(Integer, default=0)
    helpful_bot: Mapped[int] = mapped_column(Integer, default=0)
    not_helpful_bot: Mapped[int] = mapped_column(Integer, default=0)


class ArticleVersion(Base):
    """One publication of an article (版本): a frozen copy of what was served from then on."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class ArticleUsage(Base):
    """One use of an article: shown, used in a ticket, or rated by an agent or a bot user."""

    __tablename__ = "kb_usage"
    __table_args__ = (Index("ix_kb_usage_article", "article_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleEmbedding(Base):
    """Cached sentence embeddings of an article's live text (the expensive part of the index)."""

    __tablename__ = "kb_embeddings"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    views: Mapped[int] = mapped_column(Integer)
    vectors: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ChatSession(Base):
    """A self-service conversation (自助会话): transcript and what the bot is waiting for."""

    __tablename__ = "kb_chat_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    msisdn: Mapped[str | None] = mapped_column(String(11), nullable=True)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    handed_over: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChatHit(Base):
    """One chat message from a client address, kept a few minutes for the rate limit."""

    __tablename__ = "kb_chat_hits"
    __table_args__ = (Index("ix_kb_chat_hits_subject", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class BotLevel(Base):
    """How confident the bot's models are on out-of-scope messages asked of one set of live
    articles (`key`: the articles and versions searched), measured once per set by the
    `knowledge.bot_levels` job or `kb import`, so no customer message waits for it."""

    __tablename__ = "kb_bot_levels"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    answer: Mapped[float] = mapped_column(Float)
    either: Mapped[float] = mapped_column(Float)
    articles: Mapped[int] = mapped_column(Integer)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
