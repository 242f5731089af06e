"""Mystery shopping page (神秘顾客): visits and calls scored against a checklist (a QA rubric),
and each place's mean score month by month."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Posted
from closeloop.console.web import redirect
from closeloop.customers.choices import CHANNELS
from closeloop.kit.errors import InvalidInput
from closeloop.quality import mystery, rubrics
from closeloop.quality.models import Rubric

router = APIRouter(include_in_schema=False)
MONTHS = 12  # months of trends shown


def _page(
    page: PageContext,
    checklist: str | None,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    work = page.work
    lists = rubrics.latest_rubrics(work)
    chosen: Rubric | None = next((r for r in lists if r.code == checklist), None)
    chosen = chosen or (lists[0] if lists else None)
    end = work.now()
    trends = mystery.trends(work, end - timedelta(days=31 * MONTHS), end + timedelta(days=1))
    return page.render(
        "mystery.html", status_code=422 if errors else 200, checklists=lists, chosen=chosen,
        items=rubrics.items_of(chosen) if chosen else [], channels=CHANNELS, trends=trends,
        typed=typed or {}, errors=errors or {}, active="qa",
        visit_time=end.astimezone(work.tz).strftime("%Y-%m-%dT%H:%M"),
    )  # fmt: skip


@router.get("/console/qa/mystery", response_class=HTMLResponse)
def mystery_page(page: Page, checklist: str | None = None) -> HTMLResponse:
    """The visits' trends per place and month, and the form for a visit on one checklist."""
    page.needs("qa.read")
    return _page(page, checklist)


def _visit(page: PageContext, posted: dict[str, str]) -> mystery.Visit:
    try:
        visited = datetime.fromisoformat(posted.get("visited_at", ""))
    except ValueError:
        raise InvalidInput.field("visited_at", "a date and time") from None
    if visited.tzinfo is None:
        visited = visited.replace(tzinfo=page.work.tz)
    scores: dict[str, Any] = {
        key.removeprefix("score-"): (int(v) if v.strip().lstrip("-").isdigit() else v)
        for key, v in posted.items()
        if key.startswith("score-") and v.strip()
    }
    for field in ("place", "shopper"):
        if not posted.get(field, "").strip():
            raise InvalidInput.field(field, "required")
    return mystery.Visit(
        posted.get("checklist", ""), posted["place"].strip(), posted.get("channel", ""),
        visited, posted["shopper"].strip(), scores, posted.get("note", "").strip() or None,
    )  # fmt: skip


@router.post("/console/qa/mystery", response_class=HTMLResponse)
def record(page: Page, posted: Posted) -> Response:
    """Record a visit from the form; a refused one shows the form again naming the field."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs("qa.manage")
    try:
        with page.session.begin_nested():
            mystery.record_visit(page.work, _visit(page, posted))
    except InvalidInput as exc:
        errors = {str(e["loc"][-1]): str(e["msg"]) for e in exc.extra.get("errors", [])}
        return _page(page, posted.get("checklist"), typed=posted, errors=errors)
    return redirect(f"/console/qa/mystery?checklist={posted.get('checklist', '')}")
