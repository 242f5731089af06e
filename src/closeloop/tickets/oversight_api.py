"""Supervisor endpoints: overtime assessment and compensation decisions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from closeloop.auth.deps import work_requiring
from closeloop.http.params import Cursor
from closeloop.kit.errors import InvalidInput
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor, id_page
from closeloop.kit.timefmt import iso_text
from closeloop.runtime.work import Work
from closeloop.tickets import compensation
from closeloop.tickets.reports import overtime_report

router = APIRouter(prefix="/api/v1", tags=["oversight"])


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """A date is its midnight in the time zone; a time without an offset is in it."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), tz)
    return value if value.tzinfo else value.replace(tzinfo=tz)


# A date (midnight in CLOSELOOP_TIMEZONE) or an ISO 8601 time: the query declares both.
DateOrTime = Annotated[date | datetime, BeforeValidator(iso_text)]


@router.get("/reports/overtime")
def overtime(
    work: Annotated[Work, Depends(work_requiring("reports.read"))],
    start: Annotated[DateOrTime | None, Query(alias="from", description="inclusive")] = None,
    end: Annotated[DateOrTime | None, Query(alias="to", description="exclusive")] = None,
) -> dict[str, Any]:
    """Per station: dispatched, accepted late, finished late, overtime rate and minutes, returns."""
    now = work.now()
    stop = _instant(end, work.tz) if end else now
    begin = _instant(start, work.tz) if start else stop - timedelta(days=7)
    if begin >= stop:
        raise InvalidInput.field(["query", "from"], "must be before `to`")
    return overtime_report(work.session, begin, stop, now)


def _out(c: compensation.Compensation) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "ticket_id": str(c.ticket_id),
        "customer_id": str(c.customer_id),
        "amount": float(c.amount),
        "status": c.status,
        "due_at": c.due_at.isoformat(),
        "proposed_at": c.proposed_at.isoformat(),
        "decided_by": c.decided_by,
        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
        "note": c.note,
    }


@router.get("/compensations")
def list_compensations(
    work: Annotated[Work, Depends(work_requiring("compensations.read"))],
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Compensation proposals for missed promises, newest first."""
    rows = compensation.list_compensations(
        work.session, status=status, before_id=decode_id_cursor(cursor), limit=limit + 1
    )
    page, next_cursor = id_page(rows, limit)
    return {
        "items": [_out(c) for c in page],
        "next_cursor": next_cursor,
    }


class Decision(BaseModel):
    """A supervisor's note on a decision."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000)


Decider = Annotated[Work, Depends(work_requiring("compensations.decide"))]


@router.post("/compensations/{compensation_id}/approve")
def approve(
    compensation_id: str,
    work: Decider,
    body: Decision | None = None,
) -> dict[str, Any]:
    """Approve a proposed credit."""
    note = body.note if body else ""
    return _out(compensation.decide(work, compensation_id, True, note))


@router.post("/compensations/{compensation_id}/reject")
def reject(
    compensation_id: str,
    work: Decider,
    body: Decision | None = None,
) -> dict[str, Any]:
    """Reject a proposed credit."""
    note = body.note if body else ""
    return _out(compensation.decide(work, compensation_id, False, note))
