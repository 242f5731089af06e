"""Read receipts (已读) and typing indicators (正在输入) of a live chat, for either side.

The customer side needs no sign-in: the conversation's id (a random UUID the chat handed out)
is what identifies it, as it does for `POST /api/v1/assist/chat`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.channels.models import ChatMessage, LiveChat
from closeloop.channels.signals import notify
from closeloop.kit.clock import Clock
from closeloop.kit.errors import InvalidInput, NotFound

Side = Literal["customer", "agent"]
TYPING_SHOWN = 6.0  # seconds a typing signal stays on screen


def live_chat(session: Session, session_id: str) -> LiveChat:
    """The live chat of a conversation (404 while the bot still has it)."""
    chat = session.get(LiveChat, session_id)
    if chat is None:
        raise NotFound(f"conversation {session_id!r} is not with an agent")
    return chat


def mark_read(session: Session, chat: LiveChat, side: Side, up_to: int) -> None:
    """Every message up to `up_to` has been seen by `side` (never moves back)."""
    last = session.scalar(
        select(func.max(ChatMessage.id)).where(ChatMessage.session_id == chat.session_id)
    )
    if up_to > int(last or 0):
        raise InvalidInput.field(["body", "up_to"], "no such message in this conversation")
    if side == "customer":
        chat.customer_read = max(chat.customer_read, up_to)
    else:
        chat.agent_read = max(chat.agent_read, up_to)
    notify(session, chat.session_id)


def typing(session: Session, chat: LiveChat, side: Side, clock: Clock) -> None:
    """`side` is typing now."""
    if side == "customer":
        chat.customer_typing_at = clock.now()
    else:
        chat.agent_typing_at = clock.now()
    notify(session, chat.session_id)


def _shown(at: datetime | None, now: datetime) -> bool:
    return at is not None and (now - at).total_seconds() <= TYPING_SHOWN


def state(chat: LiveChat | None, side: Side, now: datetime) -> dict[str, Any]:
    """What one side's screen shows of the other: status, typing, how far they have read."""
    if chat is None:
        return {"status": "bot", "typing": False, "read_up_to": "0", "agent": None}
    other_typing = chat.agent_typing_at if side == "customer" else chat.customer_typing_at
    other_read = chat.agent_read if side == "customer" else chat.customer_read
    return {
        "status": chat.status,
        "typing": _shown(other_typing, now),
        "read_up_to": str(other_read),
        "agent": chat.agent,
        "ticket_id": str(chat.ticket_id) if chat.ticket_id else None,
    }
