"""Live chats on the customer's timeline (客户接触历史): the channel, the agent and the words."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.channels.models import ChatMessage, LiveChat
from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first

SHOWN_MESSAGES = 50


def chats_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's conversations handed over to people, with their messages."""
    query = select(LiveChat).where(LiveChat.customer_id == customer.id)
    query = newest_first(query, LiveChat.queued_at, before=before, limit=limit)
    chats = list(session.scalars(query))
    said: dict[str, list[ChatMessage]] = {c.session_id: [] for c in chats}
    if chats:
        rows = session.scalars(
            select(ChatMessage)
            .where(ChatMessage.session_id.in_(said))
            .order_by(ChatMessage.session_id, ChatMessage.id)
        )
        for m in rows:
            said[m.session_id].append(m)
    return [_entry(c, said[c.session_id]) for c in chats]


def _entry(chat: LiveChat, messages: list[ChatMessage]) -> TimelineEntry:
    first = next((m.text for m in messages if m.sender == "customer"), "")
    return TimelineEntry(
        kind="chat",
        id=chat.session_id,
        at=chat.queued_at,
        title=f"在线会话：{first}"[:80],
        detail={
            "channel": "online",
            "status": chat.status,
            "agent": chat.agent,
            "ticket_id": str(chat.ticket_id) if chat.ticket_id else None,
            "messages": [
                {"from": m.sender, "text": m.text, "at": m.at.isoformat()}
                for m in messages[-SHOWN_MESSAGES:]
            ],
        },
    )
