"""Server-sent events (SSE) of one conversation: new messages (with their ids, so a browser that
reconnects sends `Last-Event-ID` and misses nothing) and the other side's typing and reading.

A stream ends after `seconds` (the browser reconnects at once), so no proxy or load balancer
holds a connection forever; every look reads the database, so any worker may serve it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import StreamingResponse

from closeloop.channels import chat_log
from closeloop.channels.chat_marks import Side, state
from closeloop.channels.models import LiveChat
from closeloop.channels.signals import waiter
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock


class EventStream(StreamingResponse):
    """A `text/event-stream` answer (so the API description says what it is)."""

    media_type = "text/event-stream"


STREAM_DESCRIPTION: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events: `message` (id, at, from, text) and `state`",
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "event": {"type": "string", "enum": ["message", "state"]},
                        "id": {"type": "string"},
                        "data": {"type": "string", "description": "the event as JSON"},
                    },
                }
            }
        },
    }
}
LONGEST_WAIT = 3.0  # seconds between looks even when nothing is notified (typing expires)


def _look(
    database: Database, session_id: str, side: Side, last_seen: int, clock: Clock
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    with database.unit_of_work(write=False) as session:
        messages = [
            chat_log.out(m).model_dump(mode="json", by_alias=True)
            for m in chat_log.after(session, session_id, last_seen)
        ]
        chat = session.get(LiveChat, session_id)
        return messages, state(chat, side, clock.now())


def frame(event: str, data: dict[str, Any], event_id: str | None = None) -> str:
    """One SSE frame."""
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def events(
    database: Database,
    session_id: str,
    side: Side,
    last_seen: int,
    *,
    seconds: float,
    clock: Clock,
) -> AsyncIterator[str]:
    """The conversation's frames from `last_seen` on, for `seconds`."""
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    shown: dict[str, Any] | None = None
    yield "retry: 1000\n\n"
    async with waiter(database.url) as wait:
        while True:
            messages, now_state = await asyncio.to_thread(
                _look, database, session_id, side, last_seen, clock
            )
            for message in messages:
                last_seen = int(message["id"])
                yield frame("message", message, message["id"])
            if now_state != shown:
                shown = now_state
                yield frame("state", now_state)
            left = until - loop.time()
            if left <= 0:
                return
            await wait.wait(session_id, min(left, LONGEST_WAIT))
