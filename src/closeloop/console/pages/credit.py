"""Credit reports (信用与欠费报表): ageing, arrears rate by region, segment and sales channel,
its trend, bad-debt write-offs and recovery by ladder step — charts with their numbers in tables."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import charts, i18n
from closeloop.console.page import Page
from closeloop.console.web import language_of
from closeloop.credit import reports

router = APIRouter(include_in_schema=False)

WRITE_OFF_DAYS = 180


@router.get("/console/credit", response_class=HTMLResponse)
def credit_reports(page: Page) -> HTMLResponse:
    """The credit reports as of today."""
    page.needs("credit.reports")
    session, today = page.session, page.work.today()
    _ = i18n.translations(language_of(page.request, page.user)).gettext
    ageing = reports.ageing(session, today, None)
    regions = reports.arrears_rate(session, today, "region")
    channels = reports.arrears_rate(session, today, "sales_channel")
    trend = reports.trend(session, today, 12)
    figures = {
        "ageing": charts.bar_chart(
            [(b["bucket"], round(b["amount"])) for b in ageing],
            title=_("Arrears by days past due (yuan)"),
        ),
        "regions": charts.bar_chart(
            [(r["group"], round(1000 * r["arrears_rate"])) for r in regions],
            title=_("Customers in arrears per 1,000, by region"),
        ),
        "channels": charts.bar_chart(
            [(r["group"] or _("Unknown"), round(1000 * r["arrears_rate"])) for r in channels],
            title=_("Customers in arrears per 1,000, by sales channel"),
        ),
        "trend": charts.bar_chart(
            [(t["month"], round(1000 * t["arrears_rate"])) for t in trend],
            title=_("Customers in arrears per 1,000 at each month's end"),
        ),
    }
    return page.render(
        "credit_reports.html",
        charts=figures,
        today=today,
        ageing=ageing,
        regions=regions,
        segments=reports.arrears_rate(session, today, "segment"),
        channels=channels,
        trend=trend,
        write_offs=reports.write_offs(session, today, WRITE_OFF_DAYS),
        write_off_days=WRITE_OFF_DAYS,
        recovery=reports.recovery(session),
    )
