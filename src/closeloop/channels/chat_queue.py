"""The live-chat queue (在线人工排队): handed-over conversations wait for an online agent, who
takes one (up to their capacity), chats, links a ticket and closes it onto the customer's
timeline. The bot's side arrives as events from the knowledge domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.channels import chat_log
from closeloop.channels.models import ChatMessage, LiveChat
from closeloop.channels.signals import notify
from closeloop.customers.models import Customer
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.kit.errors import Conflict, NotFound
from closeloop.knowledge.bot.chat import person_joined
from closeloop.knowledge.events import ChatHandedOver, ChatTurnSaid
from closeloop.runtime.work import Work
from closeloop.tickets.service import load_ticket

STATUSES = ("waiting", "active", "closed")


def keep_turn(work: Work, event: ChatTurnSaid) -> None:
    """Listener: every message of the self-service chat is kept with an id (the bot's part)."""
    chat_log.add(work.session, event.session_id, event.role, event.text, work.clock)
    chat = work.session.get(LiveChat, event.session_id)
    if chat is None:
        return
    chat.updated_at = event.at
    if chat.status == "closed" and event.role == "customer":
        # the customer writes again after the agent ended the chat: back in the queue
        chat.status, chat.agent, chat.queued_at = "waiting", None, event.at
        chat.taken_at = chat.closed_at = None


def queue_handed_over(work: Work, event: ChatHandedOver) -> None:
    """Listener: the bot handed over; the conversation waits for an online agent."""
    session = work.session
    chat = session.get(LiveChat, event.session_id)
    if chat is None:
        chat = LiveChat(
            session_id=event.session_id,
            status="waiting",
            reason=event.reason[:64],
            queued_at=event.at,
            updated_at=event.at,
            customer_read=0,
            agent_read=0,
        )
        session.add(chat)
    chat.msisdn = event.msisdn or chat.msisdn
    chat.ticket_id = event.ticket_id or chat.ticket_id
    if chat.msisdn and chat.customer_id is None:
        chat.customer_id = session.scalar(select(Customer.id).where(Customer.msisdn == chat.msisdn))
    chat.updated_at = event.at
    session.flush()
    notify(session, chat.session_id)


def visible(session: Session, actor: Actor, session_id: str, *, lock: bool = False) -> LiveChat:
    """A chat the agent may work on: a waiting one, or one they hold (a supervisor: any)."""
    actor.require("chats.handle")
    query = select(LiveChat).where(LiveChat.session_id == session_id)
    chat = session.scalar(query.with_for_update() if lock else query)
    if chat is None:
        raise NotFound(f"no live chat {session_id!r}")
    if chat.status != "waiting" and chat.agent != actor.username and not actor.can("chats.oversee"):
        raise NotFound(f"no live chat {session_id!r}")
    return chat


def held_by(session: Session, username: str) -> int:
    """How many active chats an agent holds now."""
    count = session.scalar(
        select(func.count()).where(LiveChat.agent == username, LiveChat.status == "active")
    )
    return int(count or 0)


def list_chats(session: Session, actor: Actor, status: str, limit: int) -> list[LiveChat]:
    """Chats of a status: waiting ones in queue order; active and closed ones the agent holds
    (every agent's for a supervisor)."""
    actor.require("chats.handle")
    query = select(LiveChat).where(LiveChat.status == status)
    if status != "waiting" and not actor.can("chats.oversee"):
        query = query.where(LiveChat.agent == actor.username)
    order = LiveChat.queued_at if status == "waiting" else LiveChat.updated_at.desc()
    return list(session.scalars(query.order_by(order, LiveChat.session_id).limit(limit)))


def take(session: Session, actor: Actor, session_id: str, capacity: int, clock: Clock) -> LiveChat:
    """An agent takes a waiting chat (接入); 409 when it is taken or they are at capacity."""
    chat = visible(session, actor, session_id, lock=True)
    if chat.status != "waiting":
        raise Conflict(
            f"the chat is {chat.status}" + (f" with {chat.agent}" if chat.agent else ""),
            extra={"chat_status": chat.status},
        )
    holding = held_by(session, actor.username)
    if holding >= capacity:
        raise Conflict(
            f"you already hold {holding} chats (capacity {capacity}); close one first",
            extra={"capacity": capacity, "held": holding},
        )
    now = clock.now()
    chat.status, chat.agent, chat.taken_at, chat.updated_at = "active", actor.username, now, now
    person_joined(session, session_id)
    audit.record(session, actor, "chat.take", "chat", session_id, clock=clock)
    chat_log.add(session, session_id, "agent", f"工号 {actor.username} 为您服务", clock, "system")
    return chat


def _active(session: Session, actor: Actor, session_id: str) -> LiveChat:
    chat = visible(session, actor, session_id)
    if chat.status != "active" or chat.agent != actor.username:
        raise Conflict(
            "take the chat first" if chat.status == "waiting" else f"the chat is {chat.status}",
            extra={"chat_status": chat.status},
        )
    return chat


def say(session: Session, actor: Actor, session_id: str, text: str, clock: Clock) -> ChatMessage:
    """The agent's message to the customer, stored before it is acknowledged."""
    chat = _active(session, actor, session_id)
    message = chat_log.add(session, session_id, "agent", text, clock, actor.username)
    chat.agent_read = message.id
    chat.agent_typing_at = None
    chat.updated_at = message.at
    audit.record(
        session, actor, "chat.message", "chat", session_id, f"{len(text)} chars", clock=clock
    )
    return message


def close(session: Session, actor: Actor, session_id: str, clock: Clock) -> LiveChat:
    """The agent ends the chat (its conversation stays on the customer's timeline)."""
    chat = _active(session, actor, session_id)
    now = clock.now()
    chat.status, chat.closed_at, chat.updated_at = "closed", now, now
    chat_log.add(
        session, session_id, "agent", "本次人工服务已结束，感谢您的耐心。", clock, "system"
    )
    audit.record(session, actor, "chat.close", "chat", session_id, clock=clock)
    return chat


def link_ticket(
    session: Session, actor: Actor, session_id: str, ticket_ref: str, clock: Clock
) -> LiveChat:
    """Link the conversation to a ticket the agent may see (关联工单)."""
    chat = _active(session, actor, session_id)
    ticket = load_ticket(session, actor, ticket_ref)
    chat.ticket_id = ticket.id
    chat.updated_at = clock.now()
    notify(session, session_id)
    audit.record(
        session, actor, "chat.link_ticket", "chat", session_id, f"ticket={ticket.id}", clock=clock
    )
    return chat


def position(session: Session, chat: LiveChat) -> int | None:
    """A waiting chat's place in the queue (1: next)."""
    if chat.status != "waiting":
        return None
    ahead = session.scalar(
        select(func.count()).where(
            LiveChat.status == "waiting", LiveChat.queued_at < chat.queued_at
        )
    )
    return int(ahead or 0) + 1


def unread(session: Session, chat: LiveChat) -> int:
    """The customer's messages the agent has not read yet."""
    count = session.scalar(
        select(func.count()).where(
            ChatMessage.session_id == chat.session_id,
            ChatMessage.sender == "customer",
            ChatMessage.id > chat.agent_read,
        )
    )
    return int(count or 0)


def typing_now(at: datetime | None, now: datetime, seconds: float = 6.0) -> bool:
    """Whether a typing signal is recent enough to show (正在输入…)."""
    return at is not None and (now - at).total_seconds() <= seconds
