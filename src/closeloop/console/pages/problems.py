"""Problem pages (问题管理): the list, one problem with its tickets, alarms and timeline and a
form per step (link tickets, change status, resolve, tell the area, knowledge draft), and the
feedback to the network with its DT/CQT export."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console import pickers, problem_views
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Posted
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.organisation.models import Cause
from closeloop.problems import announce, feedback, known_errors, reads, service
from closeloop.problems.choices import STATUSES
from closeloop.problems.service import MANAGE, READ, ProblemSpec
from closeloop.problems.workflow import NOTE_ACTIONS, allowed
from closeloop.tickets.arrivals import ticket_rows

router = APIRouter(include_in_schema=False)

DONE = {
    "open": N_("Problem opened."),
    "link": N_("Tickets linked."),
    "resolve": N_("Problem resolved: its open tickets were replied and their customers told."),
    "announce": N_("The customers of the area were told."),
    "article": N_("A knowledge draft was written for the editors."),
    "investigate": N_("Status changed."),
    "known_error": N_("Status changed."),
    "close": N_("Status changed."),
}


@router.get("/console/problems", response_class=HTMLResponse)
def problem_list(page: Page, status: str = "") -> HTMLResponse:
    """Problems, newest first, by status."""
    page.needs(READ)
    chosen = status if status in STATUSES else None
    found = service.list_problems(page.session, status=chosen, limit=200)
    return page.render(
        "problems.html", problems=found, counts=problem_views.ticket_counts(page.session, found),
        status=chosen or "", statuses=STATUSES, can_manage=page.actor.can(MANAGE),
        done=DONE.get(page.request.query_params.get("done", "")), errors={}, typed={},
    )  # fmt: skip


@router.post("/console/problems", response_class=HTMLResponse)
def open_problem(page: Page, posted: Posted) -> Response:
    """Open a problem by hand from the list page's form."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs(MANAGE)
    cells = [c.strip() for c in posted.get("cell_ids", "").replace("，", ",").split(",")]
    spec = ProblemSpec(
        title=posted.get("title", "").strip(), category=posted.get("category", "").strip(),
        region=posted.get("region", "").strip() or None, cell_ids=[c for c in cells if c],
    )  # fmt: skip
    try:
        if not spec.title:
            raise InvalidInput.field("title", "required")
        problem = service.open_problem(page.work, spec)
    except InvalidInput as exc:
        found = service.list_problems(page.session, limit=200)
        return page.render(
            "problems.html", status_code=422, problems=found,
            counts=problem_views.ticket_counts(page.session, found), status="",
            statuses=STATUSES, can_manage=True, done=None, typed=posted,
            errors={str(e["loc"][0]): e["msg"] for e in exc.extra.get("errors", [])},
        )  # fmt: skip
    return redirect(f"/console/problems/{problem.id}?done=open")


def _detail(
    page: PageContext, problem_id: int, *, problem_text: str | None = None, status: int = 200
) -> HTMLResponse:
    problem = service.get_problem(page.session, str(problem_id))
    shown = reads.detail(page.session, problem)
    manage = page.actor.can(MANAGE)
    return page.render(
        "problem.html", status_code=status, p=problem, shown=shown,
        tickets=ticket_rows(page.session, [int(i) for i in shown.ticket_ids]),
        moves=[a for a in allowed(problem.status) if a in NOTE_ACTIONS] if manage else [],
        can_resolve=manage and "resolve" in allowed(problem.status), can_manage=manage,
        causes=pickers.leaf_groups(page.session, Cause, page.language) if manage else [],
        problem_text=problem_text, done=DONE.get(page.request.query_params.get("done", "")),
        stations=pickers.station_names(page.session, page.language),
    )  # fmt: skip


@router.get("/console/problems/{problem_id:int}", response_class=HTMLResponse)
def problem_page(problem_id: int, page: Page) -> HTMLResponse:
    """One problem with its tickets, alarms, timeline and the steps allowed now."""
    page.needs(READ)
    return _detail(page, problem_id)


def _ticket_refs(text: str) -> list[int]:
    """Ticket ids from what was typed, separated by commas or spaces (422 naming a bad one)."""
    refs = text.replace("，", ",").replace(",", " ").split()
    if not refs:
        raise InvalidInput.field("ticket_ids", "type at least one ticket id")
    return reads.ticket_ids(refs)


@router.post("/console/problems/{problem_id:int}/{step}", response_class=HTMLResponse)
def problem_step(problem_id: int, step: str, page: Page, posted: Posted) -> Response:
    """Take a step from the problem page; a refused one shows the page again, saying why."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs(MANAGE)
    work = page.work
    problem = service.get_problem(page.session, str(problem_id))
    try:
        with page.session.begin_nested():
            if step == "link":
                service.link_tickets(work, problem, _ticket_refs(posted.get("ticket_ids", "")))
            elif step == "resolve":
                resolution = posted.get("resolution", "").strip()
                if not resolution:
                    raise InvalidInput.field("resolution", "required")
                service.resolve(work, problem, posted.get("cause_code", ""), resolution)
            elif step == "announce":
                announce.announce(work, problem, posted.get("description", "").strip())
            elif step == "article":
                known_errors.draft_article(work, problem)
            elif step in NOTE_ACTIONS:
                service.move(work, problem, step, posted.get("note", "").strip())
            else:
                raise InvalidInput.field("step", f"no step {step!r}")
    except (InvalidInput, Conflict) as exc:
        page.session.refresh(problem)
        code = 409 if isinstance(exc, Conflict) else 422
        return _detail(page, problem_id, problem_text=exc.detail, status=code)
    return redirect(f"/console/problems/{problem_id}?done={step}")


def _period(page: PageContext, days: int) -> tuple[datetime, datetime]:
    end = page.work.today() + timedelta(days=1)
    start = end - timedelta(days=days)
    tz = page.work.tz
    return datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)


@router.get("/console/problems/feedback", response_class=HTMLResponse)
def feedback_page(page: Page, days: int = 90) -> HTMLResponse:
    """Causes and MTTR by area and category, recurring cells, the DT/CQT proposals."""
    page.needs(READ)
    days = min(max(days, 1), 366)
    start, end = _period(page, days)
    causes = feedback.causes_and_mttr(page.session, start, end)
    cells = feedback.proposals(page.session, start, end, page.work.tz)
    return page.render(
        "problems_feedback.html", causes=causes, cells=cells, days=days,
        recurring=feedback.recurring_cells(cells),
        charts=problem_views.feedback_charts(page.gettext, causes, cells),
    )  # fmt: skip


@router.get("/console/problems/feedback.csv")
def feedback_csv(page: Page, days: int = 90) -> Response:
    """The DT/CQT proposals as CSV for the network team."""
    page.needs(READ)
    start, end = _period(page, min(max(days, 1), 366))
    text = feedback.proposals_csv(feedback.proposals(page.session, start, end, page.work.tz))
    return Response(
        text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="dtcqt-proposals.csv"'},
    )  # fmt: skip
