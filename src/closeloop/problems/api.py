"""Problem management endpoints (CONTRACT §9): alarms, problems, linking, workflow, resolve.

Thin handlers: parse, authorise (permission dependencies), call a service, answer with a
shape of closeloop.problems.schemas.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from closeloop.auth.deps import work_requiring
from closeloop.http.params import Cursor, Limit
from closeloop.kit.errors import InvalidInput
from closeloop.kit.pagination import DEFAULT_LIMIT, decode_id_cursor, id_page
from closeloop.kit.timefmt import IsoDate
from closeloop.problems import alarms, announce, feedback, known_errors, reads, service
from closeloop.problems.choices import ProblemStatus
from closeloop.problems.schemas import (
    AlarmIn,
    AlarmOut,
    AlarmPage,
    AnnounceIn,
    FeedbackOut,
    LinkIn,
    NoteIn,
    ProblemDetail,
    ProblemIn,
    ProblemOut,
    ProblemPage,
    ResolveIn,
)
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["problems"])

Reader = Annotated[Work, Depends(work_requiring(service.READ))]
Manager = Annotated[Work, Depends(work_requiring(service.MANAGE))]
AlarmSource = Annotated[Work, Depends(work_requiring(alarms.RAISE))]


@router.post(
    "/alarms",
    status_code=201,
    responses={200: {"model": AlarmOut, "description": "an alarm sent before was updated"}},
)
def raise_alarm(body: AlarmIn, work: AlarmSource, response: Response) -> AlarmOut:
    """Raise, update or clear a network alarm (201 when new, 200 when it updated one)."""
    report = alarms.AlarmReport(**body.model_dump())
    alarm, created = alarms.receive(work, report)
    if not created:
        response.status_code = 200
    return AlarmOut.of(alarm)


@router.get("/alarms")
def list_alarms(
    work: Reader,
    open: Annotated[bool, Query(description="only alarms not cleared")] = False,
    limit: Limit = DEFAULT_LIMIT,
) -> AlarmPage:
    """Alarms, newest first."""
    found = alarms.list_alarms(work.session, open_only=open, limit=limit)
    return AlarmPage(items=[AlarmOut.of(a) for a in found])


@router.get("/problems")
def list_problems(
    work: Reader, status: ProblemStatus | None = None, limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ProblemPage:  # fmt: skip
    """Problems, newest first."""
    rows = service.list_problems(
        work.session, status=status, limit=limit + 1, after=decode_id_cursor(cursor)
    )
    page, next_cursor = id_page(rows, limit)
    return ProblemPage(items=reads.shown(work.session, page), next_cursor=next_cursor)


@router.post("/problems", status_code=201)
def open_problem(body: ProblemIn, work: Manager) -> ProblemOut:
    """Open a problem by hand, with the tickets already known to belong to it."""
    spec = service.ProblemSpec(
        title=body.title, category=body.category, region=body.region, cell_ids=body.cell_ids,
        station=body.station, expected_restore_at=body.expected_restore_at,
        ticket_ids=reads.ticket_ids(body.ticket_ids),
    )  # fmt: skip
    problem = service.open_problem(work, spec)
    return reads.shown(work.session, [problem])[0]


def _period(work: Work, since: date | None, until: date | None) -> tuple[datetime, datetime]:
    """[from, to) as instants: midnights in the operator's time zone; the last 90 days."""
    end = until or work.today() + timedelta(days=1)
    start = since or end - timedelta(days=90)
    if start >= end:
        raise InvalidInput.field(["query", "from"], "must be before to")
    return (datetime.combine(start, time(), work.tz), datetime.combine(end, time(), work.tz))


@router.get("/problems/feedback")
def network_feedback(
    work: Reader,
    since: Annotated[IsoDate | None, Query(alias="from")] = None,
    until: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> FeedbackOut:
    """Causes and mean time to restore by area and category, recurring cells, DT/CQT list."""
    start, end = _period(work, since, until)
    proposals = feedback.proposals(work.session, start, end, work.tz)
    return FeedbackOut(
        causes=[asdict(r) for r in feedback.causes_and_mttr(work.session, start, end)],
        recurring_cells=[asdict(r) for r in feedback.recurring_cells(proposals)],
        proposals=[asdict(r) for r in proposals],
    )


@router.get(
    "/problems/dtcqt.csv",
    response_class=Response,
    responses={
        200: {
            "description": "the DT/CQT proposals, one cell a row, with a header row",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def dtcqt_csv(
    work: Reader,
    since: Annotated[IsoDate | None, Query(alias="from")] = None,
    until: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> Response:
    """The cells proposed for drive and call quality tests, as CSV for the network team."""
    start, end = _period(work, since, until)
    text = feedback.proposals_csv(feedback.proposals(work.session, start, end, work.tz))
    return Response(
        text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dtcqt-proposals.csv"'},
    )  # fmt: skip


@router.get("/problems/{problem_id}")
def get_problem(problem_id: str, work: Reader) -> ProblemDetail:
    """One problem with its alarms and timeline."""
    return reads.detail(work.session, service.get_problem(work.session, problem_id))


@router.post("/problems/{problem_id}/link")
def link_tickets(problem_id: str, body: LinkIn, work: Manager) -> ProblemOut:
    """Link tickets to the problem (held and told while it is live)."""
    problem = service.get_problem(work.session, problem_id)
    service.link_tickets(work, problem, reads.ticket_ids(body.ticket_ids))
    return reads.shown(work.session, [problem])[0]


@router.post("/problems/{problem_id}/resolve")
def resolve_problem(problem_id: str, body: ResolveIn, work: Manager) -> ProblemOut:
    """Resolve: every linked open ticket is replied with the cause, its customer told."""
    problem = service.get_problem(work.session, problem_id)
    service.resolve(work, problem, body.cause_code, body.resolution)
    return reads.shown(work.session, [problem])[0]


@router.post("/problems/{problem_id}/announce")
def announce_problem(problem_id: str, body: AnnounceIn, work: Manager) -> ProblemOut:
    """Tell every customer of the problem's area through care's outage notice."""
    problem = service.get_problem(work.session, problem_id)
    announce.announce(work, problem, body.description)
    return reads.shown(work.session, [problem])[0]


@router.post("/problems/{problem_id}/article", status_code=201)
def draft_article(problem_id: str, work: Manager) -> ProblemOut:
    """Turn a known error into a knowledge draft for the editors."""
    problem = service.get_problem(work.session, problem_id)
    known_errors.draft_article(work, problem)
    return reads.shown(work.session, [problem])[0]


@router.post("/problems/{problem_id}/{action}")
def move_problem(
    problem_id: str,
    action: Literal["investigate", "known_error", "close"],
    work: Manager,
    body: NoteIn | None = None,
) -> ProblemOut:
    """Take a workflow step: investigate, known_error (known error), close."""
    problem = service.get_problem(work.session, problem_id)
    service.move(work, problem, action, body.note if body else "")
    return reads.shown(work.session, [problem])[0]
