"""Customer value page (客户价值分析) for supervisors and analysts: segment sizes, lifecycle
flows month to month, the churn-risk distribution and the retention list with its actions."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from closeloop.console import charts
from closeloop.console.page import Page
from closeloop.console.posted import Posted
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.value import reports
from closeloop.value.choices import STAGES, TIERS
from closeloop.value.models import CustomerValue, RetentionTask
from closeloop.value.retention import offer_tasks, record_outcome

router = APIRouter(include_in_schema=False)
MONTHS = 6  # months of lifecycle flows shown
LISTED = 20  # retention candidates and open tasks shown
OFFERED = 20  # tasks one press of the button opens


@router.get("/console/value", response_class=HTMLResponse)
def value_page(page: Page, error: str | None = None) -> HTMLResponse:
    """The analyst's view of customer value and retention."""
    page.needs("value.reports")
    session, _ = page.session, page.gettext
    sizes = reports.segment_sizes(session)
    periods = reports.stage_periods(session, MONTHS)
    counts = reports.stage_counts(session, periods)
    risk = reports.risk_histogram(session)
    stage_names = [_(STAGES[s].en) for s in STAGES.codes]
    bands = [f"{10 * i}–{10 * (i + 1)} %" for i in range(len(risk))]
    figures = {
        "segments": charts.bar_chart(
            [(_(page_label(s.tier)), s.customers) for s in sizes],
            title=_("Customers per value tier"),
        ),
        "stages": charts.stacked_bars(
            [(p, [counts[p][s] for s in STAGES.codes]) for p in periods],
            stage_names,
            title=_("Customers per lifecycle stage, month by month"),
        ),
        "risk": charts.bar_chart(
            list(zip(bands, risk, strict=True)), title=_("Customers per churn-risk band")
        ),
    }
    candidates = session.scalars(
        select(CustomerValue)
        .where(CustomerValue.lifecycle_stage != "churned", CustomerValue.expected_value > 0)
        .order_by(CustomerValue.expected_value.desc(), CustomerValue.customer_id)
        .limit(LISTED)
    ).all()
    tasks = session.scalars(
        select(RetentionTask)
        .where(RetentionTask.status == "open")
        .order_by(RetentionTask.expected_value.desc(), RetentionTask.id)
        .limit(LISTED)
    ).all()
    return page.render(
        "value.html",
        charts=figures,
        sizes=sizes,
        periods=periods,
        counts=counts,
        stages=STAGES.codes,
        flows=reports.flows(session, periods),
        risk=list(zip(bands, risk, strict=True)),
        candidates=candidates,
        tasks=tasks,
        error=error,
    )


def page_label(tier: str) -> str:
    """The English name of a tier (the message id), the code when unknown."""
    return TIERS[tier].en if tier in TIERS else tier


@router.post("/console/value/tasks", response_class=HTMLResponse)
def offer(page: Page, posted: Posted) -> Response:
    """Open retention tasks for the best candidates without one."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs("retention.plan")
    offer_tasks(page.session, page.work, OFFERED)
    return redirect("/console/value#tasks")


@router.post("/console/value/tasks/{task_id}/outcome", response_class=HTMLResponse)
def outcome(task_id: int, page: Page, posted: Posted) -> Response:
    """Record what came of a retention call; a refused outcome shows the page naming it."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs("retention.work")
    try:
        with page.session.begin_nested():
            record_outcome(
                page.session, page.work, task_id, posted.get("outcome", ""), posted.get("note", "")
            )
    except (InvalidInput, Conflict, NotFound) as exc:
        return value_page(page, error=exc.detail)
    return redirect("/console/value#tasks")
