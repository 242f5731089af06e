"""The work page (/console): the signed-in user's queues (工作台)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import queues
from closeloop.console.page import Page
from closeloop.console.pickers import station_names
from closeloop.console.rows import queue_rows
from closeloop.tickets.queries import list_tickets
from closeloop.tickets.workflow import STATUSES

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
FILTERS = ("status", "station", "category", "severity", "overdue", "q")


@router.get("/console", response_class=HTMLResponse)
def work_queue(page: Page) -> HTMLResponse:
    """The user's queue, soonest deadline first, with paging and (for supervisors) filters."""
    session, actor, now = page.session, page.actor, page.work.now()
    query = page.request.query_params
    queue = queues.pick(actor, query.get("queue"))
    rows, next_cursor = [], None
    if queue is not None:
        wanted = queue.ticket_filter(actor)
        if queue.filterable:
            given = {name: query.get(name) for name in FILTERS}
            wanted = queues.with_filters(wanted, **given)
        tickets, next_cursor = list_tickets(
            session, actor, wanted, now, cursor=query.get("cursor") or None, limit=PAGE_SIZE
        )
        rows = queue_rows(session, tickets, now, page.language)
    return page.render(
        "queue.html",
        queue=queue,
        queues=queues.queues_for(actor),
        rows=rows,
        next_cursor=next_cursor,
        statuses=STATUSES,
        stations=station_names(session, page.language) if queue and queue.filterable else {},
        filters={name: query.get(name, "") for name in FILTERS},
    )
