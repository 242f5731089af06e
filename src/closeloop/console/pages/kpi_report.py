"""The printable monthly or quarterly report on the console (月度/季度报告): KPIs against their
targets, the scorecard ranking, the Pareto of problems and the hotspot regions, with charts."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import report_view
from closeloop.console.page import Page
from closeloop.kit.errors import InvalidInput
from closeloop.kpis.monthly_report import monthly_report, parse_period
from closeloop.kpis.named_periods import NamedPeriod, month_of

router = APIRouter(include_in_schema=False)


def chosen(page: Page, text: str) -> NamedPeriod:
    """The month or quarter asked for; last month when none or not one."""
    if text:
        try:
            return parse_period(text)
        except InvalidInput:
            pass
    return month_of(page.work.today()).previous()


@router.get("/console/kpis/report", response_class=HTMLResponse)
def report_page(page: Page, period: str = "") -> HTMLResponse:
    """A month's or quarter's report, ready to print on A4."""
    page.needs("kpis.read")
    named = chosen(page, period)
    report = monthly_report(page.work, named, page.language)
    return page.render(
        "kpi_report.html",
        previous_name=named.previous().name,
        next_name=named.next().name,
        **report_view.context(report, page.session),
    )
