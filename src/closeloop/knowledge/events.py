"""The knowledge domain's events (知识库事件), raised inside the transaction that made them.

Other domains subscribe through their manifest entry: the quality domain invites the customer
to a satisfaction survey after a bot conversation; the channels domain keeps every message of
a conversation with an id and a time, and queues a handed-over conversation for the online
agents (人工坐席). `knowledge` imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class BotAnswered(DomainEvent):
    """The self-service bot answered a known customer from the knowledge base (机器人解答)."""

    session_id: str
    msisdn: str
    article_external_id: str | None


@dataclass(frozen=True, kw_only=True)
class ChatTurnSaid(DomainEvent):
    """A customer wrote to the chat, or the bot answered (`role` "customer" or "bot")."""

    session_id: str
    role: str
    text: str
    msisdn: str | None


@dataclass(frozen=True, kw_only=True)
class ChatHandedOver(DomainEvent):
    """The bot handed the conversation over to people (转人工); raised again when the hand-over
    ticket is opened later (the customer gave their number)."""

    session_id: str
    msisdn: str | None
    ticket_id: int | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ChatStarted(DomainEvent):
    """A customer began a self-service conversation (自助会话开始); `at` is its start."""

    session_id: str


@dataclass(frozen=True, kw_only=True)
class ChatTicketOpened(DomainEvent):
    """The bot handed a conversation over with a ticket (转人工工单): the conversation is no
    longer contained by self-service; raised once per conversation. `started_at` is when the
    conversation began."""

    session_id: str
    ticket_id: int
    started_at: datetime
