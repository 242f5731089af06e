"""The live-chat API (CONTRACT §14): the agents' queue and the customer's side of it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from closeloop.auth.deps import work_requiring
from closeloop.channels import chat_log, chat_marks, chat_queue, limits, stream
from closeloop.channels.models import LiveChat
from closeloop.channels.schemas import (
    AgentMessageIn,
    ChatOut,
    ChatsOut,
    LinkTicketIn,
    MessageOut,
    MessagesOut,
    ReadIn,
)
from closeloop.channels.settings import CHAT_CAPACITY
from closeloop.http.deps import AppClock, AppDatabase, DbSession, writes_on_read
from closeloop.kit.errors import NotFound
from closeloop.kit.masking import mask_msisdn
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/chats", tags=["live chat"])
customer_router = APIRouter(prefix="/api/v1/assist/chat", tags=["assist"])
Agent = Annotated[Work, Depends(work_requiring("chats.handle"))]
SessionId = Annotated[str, Query(max_length=36)]
STREAM_SECONDS = 25.0


def chat_out(work: Work, chat: LiveChat) -> ChatOut:
    """A chat as the queue shows it (the number masked: the customer panel has the rest)."""
    session = work.session
    return ChatOut(
        session_id=chat.session_id,
        status=chat.status,
        msisdn=mask_msisdn(chat.msisdn) if chat.msisdn else None,
        customer_id=str(chat.customer_id) if chat.customer_id else None,
        ticket_id=str(chat.ticket_id) if chat.ticket_id else None,
        agent=chat.agent,
        reason=chat.reason,
        queued_at=chat.queued_at,
        taken_at=chat.taken_at,
        closed_at=chat.closed_at,
        position=chat_queue.position(session, chat),
        unread=chat_queue.unread(session, chat),
        customer_read=str(chat.customer_read),
        customer_typing=chat_queue.typing_now(chat.customer_typing_at, work.now()),
    )


@router.get("", response_model=ChatsOut)
def list_chats(
    work: Agent,
    status: Literal["waiting", "active", "closed"] = "waiting",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ChatsOut:
    """Waiting chats in queue order, or the agent's active (or closed) ones."""
    chats = chat_queue.list_chats(work.session, work.actor, status, limit)
    return ChatsOut(items=[chat_out(work, c) for c in chats])


@router.get("/{session_id}", response_model=ChatOut)
def get_chat(session_id: str, work: Agent) -> ChatOut:
    """One chat the agent may see."""
    return chat_out(work, chat_queue.visible(work.session, work.actor, session_id))


@router.post("/{session_id}/take", response_model=ChatOut)
def take_chat(session_id: str, work: Agent) -> ChatOut:
    """Take a waiting chat (409 when taken already or at capacity)."""
    capacity = int(work.business(CHAT_CAPACITY.key))
    chat = chat_queue.take(work.session, work.actor, session_id, capacity, work.clock)
    return chat_out(work, chat)


@router.post("/{session_id}/messages", response_model=MessageOut, status_code=201)
def send_message(session_id: str, body: AgentMessageIn, work: Agent) -> MessageOut:
    """The agent's message to the customer."""
    message = chat_queue.say(work.session, work.actor, session_id, body.text, work.clock)
    return chat_log.out(message)


@router.get("/{session_id}/messages", response_model=MessagesOut)
def agent_messages(session_id: str, work: Agent, after: str | None = None) -> MessagesOut:
    """The whole conversation (the bot's part too) after a message id."""
    chat_queue.visible(work.session, work.actor, session_id)
    found = chat_log.after(work.session, session_id, chat_log.parse_after(after))
    return MessagesOut(items=[chat_log.out(m) for m in found])


@router.post("/{session_id}/read", status_code=204)
def agent_read(session_id: str, body: ReadIn, work: Agent) -> Response:
    """The agent has read the conversation up to a message."""
    chat = chat_queue.visible(work.session, work.actor, session_id)
    chat_marks.mark_read(work.session, chat, "agent", int(body.up_to))
    return Response(status_code=204)


@router.post("/{session_id}/typing", status_code=204)
def agent_typing(session_id: str, work: Agent) -> Response:
    """The agent is typing."""
    chat = chat_queue.visible(work.session, work.actor, session_id)
    chat_marks.typing(work.session, chat, "agent", work.clock)
    return Response(status_code=204)


@router.post("/{session_id}/ticket", response_model=ChatOut)
def link_ticket(session_id: str, body: LinkTicketIn, work: Agent) -> ChatOut:
    """Link the conversation to a ticket."""
    chat = chat_queue.link_ticket(work.session, work.actor, session_id, body.ticket, work.clock)
    return chat_out(work, chat)


@router.post("/{session_id}/close", response_model=ChatOut)
def close_chat(session_id: str, work: Agent) -> ChatOut:
    """End the chat; it goes on the customer's timeline."""
    return chat_out(work, chat_queue.close(work.session, work.actor, session_id, work.clock))


@router.get(
    "/{session_id}/stream", response_class=stream.EventStream, responses=stream.STREAM_DESCRIPTION
)
async def agent_stream(
    session_id: str,
    work: Agent,
    database: AppDatabase,
    clock: AppClock,
    last_event_id: Annotated[str | None, Header()] = None,
    after: str | None = None,
    seconds: Annotated[float, Query(ge=0, le=60)] = STREAM_SECONDS,
) -> stream.EventStream:
    """Server-sent events of the conversation for the agent."""
    chat_queue.visible(work.session, work.actor, session_id)
    last = chat_log.parse_after(last_event_id or after)
    frames = stream.events(database, session_id, "agent", last, seconds=seconds, clock=clock)
    return stream.EventStream(frames, headers=_NO_CACHE)


_NO_CACHE = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _known(session: DbSession, session_id: str) -> None:
    if not chat_log.exists(session, session_id):
        raise NotFound(f"no conversation {session_id!r}")


@customer_router.get("/{session_id}/messages", response_model=MessagesOut)
@writes_on_read
def customer_messages(
    session_id: str,
    request: Request,
    session: DbSession,
    clock: AppClock,
    after: str | None = None,
) -> MessagesOut:
    """The conversation's messages after an id (no sign-in; rate-limited per address)."""
    limits.check(session, "chat-read", _address(request), limits.READS_PER_MIN, clock)
    last = chat_log.parse_after(after)
    _known(session, session_id)
    return MessagesOut(items=[chat_log.out(m) for m in chat_log.after(session, session_id, last)])


@customer_router.post("/{session_id}/read", status_code=204)
def customer_read(
    session_id: str, body: ReadIn, request: Request, session: DbSession, clock: AppClock
) -> Response:
    """The customer has read the conversation up to a message (the agent sees it)."""
    limits.check(session, "chat-read", _address(request), limits.READS_PER_MIN, clock)
    chat = chat_marks.live_chat(session, session_id)
    chat_marks.mark_read(session, chat, "customer", int(body.up_to))
    return Response(status_code=204)


@customer_router.post("/{session_id}/typing", status_code=204)
def customer_typing(
    session_id: str, request: Request, session: DbSession, clock: AppClock
) -> Response:
    """The customer is typing (the agent sees it)."""
    limits.check(session, "chat-read", _address(request), limits.READS_PER_MIN, clock)
    chat = chat_marks.live_chat(session, session_id)
    chat_marks.typing(session, chat, "customer", clock)
    return Response(status_code=204)


@customer_router.get(
    "/{session_id}/stream", response_class=stream.EventStream, responses=stream.STREAM_DESCRIPTION
)
@writes_on_read
async def customer_stream(
    session_id: str,
    request: Request,
    session: DbSession,
    database: AppDatabase,
    clock: AppClock,
    last_event_id: Annotated[str | None, Header()] = None,
    after: str | None = None,
    seconds: Annotated[float, Query(ge=0, le=60)] = STREAM_SECONDS,
) -> stream.EventStream:
    """Server-sent events of the conversation for the customer."""
    limits.check(session, "chat-read", _address(request), limits.READS_PER_MIN, clock)
    last = chat_log.parse_after(last_event_id or after)
    _known(session, session_id)
    frames = stream.events(database, session_id, "customer", last, seconds=seconds, clock=clock)
    return stream.EventStream(frames, headers=_NO_CACHE)
