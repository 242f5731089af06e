"""The weekly review on the console (周度复盘): Pareto charts of the problem categories and
causes, with the change against the week before, and the hotspot regions."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import charts
from closeloop.console.page import Page
from closeloop.kit.errors import InvalidInput
from closeloop.kpis import named_periods
from closeloop.kpis.named_periods import NamedPeriod, week_of
from closeloop.kpis.review import Bar, weekly_review

router = APIRouter(include_in_schema=False)
TOP = 12  # bars drawn; the tables list them all


def chosen_week(page: Page, text: str) -> NamedPeriod:
    """The week asked for; last week when none or not one."""
    if text:
        try:
            return named_periods.parse(text, "week", ("week",))
        except InvalidInput:
            pass
    return week_of(page.work.today()).previous()


def pareto_of(bars: list[Bar], title: str, share_label: str) -> object:
    """The Pareto chart of the bars with a count."""
    shown = [(b.name or "—", b.count) for b in bars if b.count][:TOP]
    return charts.pareto_chart(
        shown, sum(b.count for b in bars), title=title, share_label=share_label
    )


@router.get("/console/kpis/review", response_class=HTMLResponse)
def review_page(page: Page, week: str = "") -> HTMLResponse:
    """A week's Pareto of categories and causes and its hotspot regions."""
    page.needs("kpis.read")
    named = chosen_week(page, week)
    found = weekly_review(page.work, named, page.language)
    _ = page.gettext
    share = _("Cumulative share")
    data = found.as_dict()
    return page.render(
        "kpi_review.html",
        review=data,
        week=named,
        previous=named.previous(),
        next_week=named.next(),
        category_chart=pareto_of(found.categories, _("Tickets by problem category"), share),
        cause_chart=pareto_of(found.causes, _("Closed tickets by cause"), share),
    )
