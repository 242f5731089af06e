"""Quality inspection pages (质检): samples to review, and the reviewer's scoring page beside
the ticket's whole timeline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Posted
from closeloop.console.ticket_view import ticket_view
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.quality import agents, calibration, reviews, rubrics, samples, worklist
from closeloop.quality.period import period

router = APIRouter(include_in_schema=False)


def _home(page: PageContext, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    return page.render(
        "qa.html", status_code=status, lines=worklist.samples(page.work),
        rubrics=rubrics.latest_rubrics(page.work), error=error, today=page.work.today(),
        active="qa",
    )  # fmt: skip


@router.get("/console/qa", response_class=HTMLResponse)
def qa_home(page: Page) -> HTMLResponse:
    """Samples with their progress, and a form to draw a new one."""
    page.needs("qa.read")
    return _home(page)


@router.post("/console/qa/samples", response_class=HTMLResponse)
def draw(page: Page, posted: Posted) -> Response:
    """Draw a sample from the form."""
    page.needs("qa.manage")
    page.check_csrf(posted.get("csrf_token"))
    try:
        start, end = period(posted.get("from", ""), posted.get("to", ""), page.work.tz)
        per_agent = int(posted.get("per_agent", "0") or 0)
        if not 1 <= per_agent <= 1000:
            raise InvalidInput.field("per_agent", "1–1000")
        sample, _items = samples.draw_sample(
            page.work, posted.get("rubric", ""), start, end, per_agent,
            method=posted.get("method", "risk"),
        )  # fmt: skip
    except (InvalidInput, ValueError) as problem:
        detail = problem.detail if isinstance(problem, InvalidInput) else "per_agent: 1–1000"
        return _home(page, error=detail, status=422)
    return redirect(f"/console/qa/samples/{sample.id}")


@router.get("/console/qa/samples/{sample_id}", response_class=HTMLResponse)
def sample_page(sample_id: str, page: Page) -> HTMLResponse:
    """A sample's tickets, who reviewed them, and the reviewers' agreement."""
    page.needs("qa.read")
    sample = samples.get_sample(page.work, sample_id)
    return page.render(
        "qa_sample.html", sample=sample, lines=worklist.sample_lines(page.work, sample.id),
        agreement=calibration.calibration(page.work, sample), active="qa",
    )  # fmt: skip


def _review_page(
    page: PageContext, item_id: str, *, errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None, problem: str | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    line, sample, rubric = worklist.item_line(page.work, item_id)
    view = ticket_view(
        page.session, page.actor, str(line.item.ticket_id), page.work.now(), page.language
    )
    mine = any(r.reviewer == page.actor.username for r in line.reviews)
    return page.render(
        "qa_review.html", status_code=status, line=line, sample=sample, rubric=rubric,
        items=rubrics.items_of(rubric), view=view, t=view.ticket, errors=errors or {},
        typed=typed or {}, problem=problem, scored_by_me=mine, active="qa",
    )  # fmt: skip


@router.get("/console/qa/items/{item_id}", response_class=HTMLResponse)
def review_page(item_id: str, page: Page) -> HTMLResponse:
    """The scoring form beside the ticket's timeline."""
    page.needs("qa.read")
    return _review_page(page, item_id)


@router.post("/console/qa/items/{item_id}", response_class=HTMLResponse)
def score(item_id: str, page: Page, posted: Posted) -> Response:
    """Record the reviewer's scores (as calibration when the ticket has its review)."""
    page.needs("qa.review")
    page.check_csrf(posted.get("csrf_token"))
    line, _sample, rubric = worklist.item_line(page.work, item_id)
    items = rubrics.items_of(rubric)
    scores: dict[str, object] = {}
    for item in items:
        value = posted.get(f"score_{item.code}", "").strip()
        if value:
            scores[item.code] = int(value) if value.isdigit() else value
    comments = {
        i.code: posted[f"comment_{i.code}"].strip()
        for i in items
        if posted.get(f"comment_{i.code}", "").strip()
    }
    scoring = reviews.Scoring(scores, comments, posted.get("comment", "").strip() or None)
    try:
        reviews.review(page.work, item_id, scoring, calibration=line.review is not None)
    except InvalidInput as problem:
        errors = {str(e["loc"][-1]): e["msg"] for e in problem.extra["errors"]}
        return _review_page(page, item_id, errors=errors, typed=posted, status=422)
    except Conflict as problem:
        return _review_page(page, item_id, problem=problem.detail, typed=posted, status=409)
    return redirect(f"/console/qa/samples/{line.item.sample_id}")


def _mine(page: PageContext, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    today = page.work.today()
    start, end = period(today.replace(day=1, month=1).isoformat(), today.isoformat(), page.work.tz)
    mine = agents.agent_reviews(page.work, page.actor.username, start, end)
    score = agents.qa_score(page.work, page.actor.username, start, end)
    disputes = {r.id: reviews.dispute_of(page.work, r.id) for r in mine}
    return page.render(
        "qa_mine.html", status_code=status, reviews=mine, score=score, disputes=disputes,
        error=error, active="qa-mine",
    )  # fmt: skip


@router.get("/console/qa/mine", response_class=HTMLResponse)
def my_reviews(page: Page) -> HTMLResponse:
    """An agent's own reviews this year, their score, and a dispute form on each."""
    page.needs("qa.own")
    return _mine(page)


@router.post("/console/qa/mine/{review_id}/dispute", response_class=HTMLResponse)
def dispute_review(review_id: str, page: Page, posted: Posted) -> Response:
    """The agent disputes one of their reviews, once, with a reason."""
    page.needs("qa.dispute")
    page.check_csrf(posted.get("csrf_token"))
    try:
        reviews.dispute(page.work, review_id, posted.get("reason", ""))
    except (InvalidInput, Conflict) as problem:
        return _mine(page, error=problem.detail, status=problem.status)
    return redirect("/console/qa/mine")
