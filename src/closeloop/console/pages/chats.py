"""Live chat in the console (在线人工工作台): the queue of handed-over conversations, taking one,
the conversation with the bot's part and the customer's panel, answering, linking a ticket.
Every action is a plain form; console/static/chat_agent.js makes it live (SSE, typing, read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from closeloop.channels import chat_log, chat_marks, chat_queue, stream
from closeloop.channels.settings import CHAT_CAPACITY
from closeloop.console.customer_panel import customer_panel
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.customers.service import get_customer
from closeloop.http.deps import writes_on_read

router = APIRouter(include_in_schema=False)
CHAT_STATES = {
    "waiting": N_("Waiting"),
    "active": N_("In conversation"),
    "closed": N_("Chat ended"),
}
SENDERS = {"customer": N_("The customer"), "bot": N_("Bot"), "agent": N_("Agent")}
Csrf = Annotated[str | None, Form(alias=CSRF_FIELD)]
LIVE = "application/json"  # chat_agent.js asks for no page back: 204


def _done(page: Page, url: str, accept: str | None) -> Response:
    return Response(status_code=204) if accept == LIVE else redirect(url)


@router.get("/console/chats", response_class=HTMLResponse)
def chat_queue_page(page: Page) -> HTMLResponse:
    """Waiting chats in queue order and the agent's own active ones."""
    page.needs("chats.handle")
    session, actor = page.session, page.actor
    return page.render(
        "chats.html",
        active="chats",
        waiting=chat_queue.list_chats(session, actor, "waiting", 100),
        mine=chat_queue.list_chats(session, actor, "active", 100),
        capacity=int(page.work.business(CHAT_CAPACITY.key)),
    )


@router.post("/console/chats/{session_id}/take")
def take_chat(session_id: str, page: Page, csrf: Csrf = None) -> Response:
    """Take a waiting chat and open it."""
    page.check_csrf(csrf)
    capacity = int(page.work.business(CHAT_CAPACITY.key))
    chat_queue.take(page.session, page.actor, session_id, capacity, page.work.clock)
    return redirect(f"/console/chats/{session_id}")


@router.get("/console/chats/{session_id}", response_class=HTMLResponse)
@writes_on_read  # an unmasked number on the customer panel is audited
def chat_page(session_id: str, page: Page) -> HTMLResponse:
    """The conversation (the bot's part first), the customer's panel and the reply box."""
    session, actor = page.session, page.actor
    chat = chat_queue.visible(session, actor, session_id)
    messages = chat_log.after(session, session_id, 0)
    panel = None
    if chat.customer_id is not None and actor.can("customers.read"):
        customer = get_customer(session, actor, str(chat.customer_id))
        panel = customer_panel(page.work, customer)
    return page.render(
        "chat.html",
        active="chats",
        chat=chat,
        messages=messages,
        last_id=messages[-1].id if messages else 0,
        panel=panel,
        mine=chat.status == "active" and chat.agent == actor.username,
        states=CHAT_STATES,
        senders=SENDERS,
    )


@router.post("/console/chats/{session_id}/messages")
def send_message(
    session_id: str,
    page: Page,
    text: Annotated[str, Form(min_length=1, max_length=2000)],
    csrf: Csrf = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """The agent's message to the customer."""
    page.check_csrf(csrf)
    chat_queue.say(page.session, page.actor, session_id, text.strip(), page.work.clock)
    return _done(page, f"/console/chats/{session_id}", accept)


@router.post("/console/chats/{session_id}/typing")
def typing(session_id: str, page: Page, csrf: Csrf = None) -> Response:
    """The agent is typing."""
    page.check_csrf(csrf)
    chat = chat_queue.visible(page.session, page.actor, session_id)
    chat_marks.typing(page.session, chat, "agent", page.work.clock)
    return Response(status_code=204)


@router.post("/console/chats/{session_id}/read")
def read(
    session_id: str,
    page: Page,
    up_to: Annotated[int, Form(ge=0)],
    csrf: Csrf = None,
) -> Response:
    """The agent has read the conversation up to a message."""
    page.check_csrf(csrf)
    chat = chat_queue.visible(page.session, page.actor, session_id)
    chat_marks.mark_read(page.session, chat, "agent", up_to)
    return Response(status_code=204)


@router.post("/console/chats/{session_id}/ticket")
def link_ticket(
    session_id: str,
    page: Page,
    ticket: Annotated[str, Form(min_length=1, max_length=32)],
    csrf: Csrf = None,
) -> Response:
    """Link the conversation to a ticket."""
    page.check_csrf(csrf)
    chat_queue.link_ticket(page.session, page.actor, session_id, ticket.strip(), page.work.clock)
    return redirect(f"/console/chats/{session_id}")


@router.post("/console/chats/{session_id}/close")
def close_chat(session_id: str, page: Page, csrf: Csrf = None) -> Response:
    """End the chat."""
    page.check_csrf(csrf)
    chat_queue.close(page.session, page.actor, session_id, page.work.clock)
    return redirect("/console/chats")


@router.get("/console/chats/{session_id}/stream")
async def chat_stream(
    session_id: str,
    page: Page,
    after: int = 0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Server-sent events of the conversation for the agent's page."""
    chat_queue.visible(page.session, page.actor, session_id)
    last = chat_log.parse_after(last_event_id) if last_event_id else after
    frames = stream.events(
        page.database, session_id, "agent", last, seconds=25.0, clock=page.work.clock
    )
    return StreamingResponse(
        frames, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )
