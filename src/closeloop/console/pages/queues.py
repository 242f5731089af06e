"""The work page (/console): the signed-in user's queues (工作台)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from closeloop.console import queues
from closeloop.console.pickers import station_names
from closeloop.console.rows import queue_rows
from closeloop.console.session import SignedIn
from closeloop.console.web import render
from closeloop.http.deps import AppClock, DbSession
from closeloop.tickets.queries import list_tickets
from closeloop.tickets.workflow import STATUSES

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
FILTERS = ("status", "station", "category", "severity", "overdue", "q")


@router.get("/console", response_class=HTMLResponse)
def work_queue(
    request: Request, user: SignedIn, session: DbSession, clock: AppClock
) -> HTMLResponse:
    """The user's queue, soonest deadline first, with paging and (for supervisors) filters."""
    now = clock.now()
    queue = queues.pick(user.actor, request.query_params.get("queue"))
    rows, next_cursor = [], None
    if queue is not None:
        wanted = queue.ticket_filter(user.actor)
        if queue.filterable:
            given = {name: request.query_params.get(name) for name in FILTERS}
            wanted = queues.with_filters(wanted, **given)
        tickets, next_cursor = list_tickets(
            session,
            user.actor,
            wanted,
            now,
            cursor=request.query_params.get("cursor") or None,
            limit=PAGE_SIZE,
        )
        rows = queue_rows(session, tickets, now)
    return render(
        request,
        "queue.html",
        user,
        queue=queue,
        queues=queues.queues_for(user.actor),
        rows=rows,
        next_cursor=next_cursor,
        statuses=STATUSES,
        stations=station_names(session) if queue and queue.filterable else {},
        filters={name: request.query_params.get(name, "") for name in FILTERS},
    )
