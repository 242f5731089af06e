"""The messages of a chat conversation (会话记录): stored with growing ids before anyone is told,
so a reader that reconnects asks for what came after the last id it saw and loses nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.channels.models import ChatMessage
from closeloop.channels.schemas import MessageOut
from closeloop.channels.signals import notify
from closeloop.kit.clock import Clock
from closeloop.kit.errors import InvalidInput

SENDERS = ("customer", "bot", "agent")
PAGE = 500


def add(
    session: Session,
    session_id: str,
    sender: str,
    text: str,
    clock: Clock,
    author: str | None = None,
) -> ChatMessage:
    """Store one message and wake the conversation's streams."""
    message = ChatMessage(
        session_id=session_id, at=clock.now(), sender=sender, author=author, text=text
    )
    session.add(message)
    session.flush()
    notify(session, session_id)
    return message


def parse_after(after: str | None) -> int:
    """The `after=` of a messages request: a message id (empty: from the start)."""
    if after is None or after == "":
        return 0
    if not after.isdigit():
        raise InvalidInput.field(["query", "after"], "must be a message id (a whole number)")
    return int(after)


def after(
    session: Session, session_id: str, last_seen: int, limit: int = PAGE
) -> list[ChatMessage]:
    """The conversation's messages with an id above `last_seen`, oldest first."""
    query = (
        select(ChatMessage)
        .where(ChatMessage.session_id == session_id, ChatMessage.id > last_seen)
        .order_by(ChatMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def exists(session: Session, session_id: str) -> bool:
    """Whether this conversation has said anything."""
    found = session.scalar(
        select(ChatMessage.id).where(ChatMessage.session_id == session_id).limit(1)
    )
    return found is not None


def out(message: ChatMessage) -> MessageOut:
    """A message as the API shows it (CONTRACT §14)."""
    return MessageOut.model_validate(
        {"id": str(message.id), "at": message.at, "from": message.sender, "text": message.text}
    )
