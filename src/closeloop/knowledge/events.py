"""The self-service chat's events (在线自助事件), raised inside the transaction of the message.

The channels domain subscribes through its manifest: it keeps every message of a conversation
with an id and a time, and queues a handed-over conversation for the online agents (人工坐席);
`knowledge` imports none of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.runtime.events import DomainEvent


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
