"""The e-mail channel's tables (邮件渠道): mails received and sent, their attachments, and how
far the mailbox has been read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Mail(Base):
    """One mail a customer sent us (`in`) or we sent them (`out`), kept whole.

    An inbound mail is stored, with its raw bytes, before the mailbox is told it was read;
    `message_id` makes taking the same mail twice a no-op. `problem` says why a mail could not
    become (or join) a ticket: no sender, broken MIME, an unknown sender.
    """

    __tablename__ = "mails"
    __table_args__ = (
        Index("ix_mails_ticket", "ticket_id", "id"),
        Index("ix_mails_customer", "customer_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    sender: Mapped[str] = mapped_column(String(254), default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    in_reply_to: Mapped[str | None] = mapped_column(String(255), nullable=True)
    references: Mapped[str] = mapped_column(Text, default="")  # message ids, space-separated
    customer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notification_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)  # staff, for `out`
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    mailbox_uid: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class MailAttachment(Base):
    """A file that came with a mail: its content when accepted, why not when refused."""

    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("mails.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    refused: Mapped[str | None] = mapped_column(String(255), nullable=True)


class MailboxCursor(Base):
    """How far a mailbox folder has been read: its UIDVALIDITY and the last UID stored."""

    __tablename__ = "mailbox_cursors"

    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    uid_validity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
