"""The channels' tables: live chats and their messages (在线人工), phone calls (话务事件)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class LiveChat(Base):
    """A conversation the bot handed over (转人工): waiting for an agent, active, or closed."""

    __tablename__ = "live_chats"
    __table_args__ = (
        Index("ix_live_chats_status_queued", "status", "queued_at"),
        Index("ix_live_chats_agent_status", "agent", "status"),
        Index("ix_live_chats_customer", "customer_id"),
    )

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # waiting | active | closed
    msisdn: Mapped[str | None] = mapped_column(String(20), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(64), default="")
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # read receipts (已读): the last message id each side has seen
    customer_read: Mapped[int] = mapped_column(Integer, default=0)
    agent_read: Mapped[int] = mapped_column(Integer, default=0)
    # typing indicators (正在输入): when each side last said it is typing
    customer_typing_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    agent_typing_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChatMessage(Base):
    """One message of a chat conversation, stored before it is acknowledged; ids grow."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    sender: Mapped[str] = mapped_column(String(8))  # customer | bot | agent
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)


class PhoneCall(Base):
    """A call the phone system (CTI/PBX) reported: ringing, answered, ended (话务)."""

    __tablename__ = "phone_calls"
    __table_args__ = (Index("ix_phone_calls_agent_status", "agent", "status"),)

    call_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    caller: Mapped[str] = mapped_column(String(20))
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # ringing | answered | ended
    ringing_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ChannelHit(Base):
    """One request from a client address to a public channel endpoint, kept minutes (限流)."""

    __tablename__ = "channel_hits"
    __table_args__ = (Index("ix_channel_hits_subject", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
