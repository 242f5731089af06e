"""What the channels' API reads and writes (CONTRACT §14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from closeloop.customers.schemas import Instant


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MessageOut(BaseModel):
    """One chat message: who said it (`from`: customer, bot or agent) and when."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    at: datetime
    sender: str = Field(alias="from", serialization_alias="from")
    text: str


class MessagesOut(BaseModel):
    """New messages of a conversation, oldest first."""

    items: list[MessageOut]


class AgentMessageIn(_Body):
    """An agent's message to the customer."""

    text: str = Field(min_length=1, max_length=2000)


class ReadIn(_Body):
    """A read receipt (已读): every message up to this id has been seen."""

    up_to: str = Field(min_length=1, max_length=20, pattern=r"^\d+$")


class LinkTicketIn(_Body):
    """Link the conversation to a ticket (its id or number)."""

    ticket: str = Field(min_length=1, max_length=32)


class ChatOut(BaseModel):
    """A live chat as the agents' queue shows it."""

    session_id: str
    status: str
    msisdn: str | None
    customer_id: str | None
    ticket_id: str | None
    agent: str | None
    reason: str
    queued_at: datetime
    taken_at: datetime | None
    closed_at: datetime | None
    position: int | None
    unread: int
    customer_read: str
    customer_typing: bool


class ChatsOut(BaseModel):
    """The chats of one status."""

    items: list[ChatOut]
    next_cursor: str | None = None


class CallEventIn(_Body):
    """One event of a phone call from the phone system (CONTRACT §14)."""

    event: Literal["ringing", "answered", "ended"]
    call_id: str = Field(min_length=1, max_length=64)
    caller: str = Field(min_length=3, max_length=24)
    agent: str | None = Field(default=None, max_length=64)
    at: Instant


class CallOut(BaseModel):
    """A phone call as CloseLoop recorded it."""

    call_id: str
    status: str
    caller: str
    agent: str | None
    customer_id: str | None
    contact_id: str | None
    ringing_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration_seconds: int | None


class ScreenPopOut(BaseModel):
    """What an agent's screen pops for a ringing or answered call: the caller and their tickets."""

    call: CallOut
    customer: dict[str, Any] | None
    open_tickets: list[dict[str, Any]]
